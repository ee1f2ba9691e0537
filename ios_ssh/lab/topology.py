"""Named lab topologies: which routers a lab starts, and how each begins life."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .device import Device
from .fleet import baseline_device, factory_device
from .images import mixed
from .keypool import KeyPool


@dataclass(frozen=True)
class RouterSpec:
    name: str
    kind: str  # baseline | factory | console-server
    consoles: tuple[tuple[int, str], ...] = ()  # (async line, router whose console is on it)
    image: str | None = None  # its family (images.py); None: what `serve --image` says

    def image_for(self, index: int, serve_image: str) -> str:
        """This router's image: its own, else `--image` (`mixed`: families in turn)."""
        if self.image is not None:
            return self.image
        return mixed(index) if serve_image == "mixed" else serve_image

    def build(
        self,
        *,
        keys: KeyPool | None,
        state_dir: Path | None,
        minute_seconds: float,
        image: str | None = None,
        keygen_seconds: float | str = 0.0,
        address: str | None = None,
    ) -> Device:
        if self.kind == "factory":
            return factory_device(
                minute_seconds=minute_seconds, image=image, keygen_seconds=keygen_seconds
            )
        async_lines = 8 if self.kind == "console-server" else 0
        return baseline_device(
            self.name,
            async_lines=async_lines,
            state_dir=state_dir,
            minute_seconds=minute_seconds,
            keys=keys,
            image=image,
            keygen_seconds=keygen_seconds,
            address=address,
        )


def uniform(count: int) -> list[RouterSpec]:
    return [RouterSpec(f"r{i}", "baseline") for i in range(1, count + 1)]


# The demo: two ordinary routers, one factory-fresh (telnet only), one console server, on
# the families a real fleet mixes (the 12.2SX family has no revert timer, so the demo leaves
# it to `--image mixed` labs, where the user chooses its protection).
DEMO = [
    RouterSpec("r1", "baseline", image="xe17"),
    RouterSpec("r2", "baseline", image="ios15"),
    RouterSpec("r3", "factory", image="xe16"),
    RouterSpec("cs1", "console-server", consoles=((1, "r1"), (2, "r2"), (3, "r3")), image="ios15"),
]


def cable(specs: list[RouterSpec], devices: dict[str, Device]) -> None:
    """Plug each console server's lines into the consoles its spec names."""
    for spec in specs:
        for line, target in spec.consoles:
            devices[spec.name].consoles[line] = devices[target]


TOPOLOGIES: dict[str, Callable[[int], list[RouterSpec]]] = {
    "uniform": uniform,
    "demo": lambda _count: list(DEMO),
}
