"""A Channel over scrapli 1.x IOSXEDriver (system SSH transport, or telnet)."""

from __future__ import annotations

from collections.abc import Iterable

from scrapli.driver.core import IOSXEDriver
from scrapli.exceptions import (
    ScrapliAuthenticationFailed,
    ScrapliConnectionError,
    ScrapliConnectionNotOpened,
    ScrapliTimeout,
)

from ..errors import ConnectError, SessionLogError, SessionLost
from .params import DeviceParams
from .platform import QUESTION_ENDINGS


class ScrapliChannel:
    CONNECTION_NAME = "scrapli"

    def __init__(self, params: DeviceParams, transport: str = "system") -> None:
        self.params = params
        self.conn = IOSXEDriver(
            host=params.host,
            port=params.effective_port,
            auth_username=params.username,
            auth_password=params.password.get_secret_value(),
            auth_secondary=params.secret.get_secret_value(),
            auth_strict_key=False,
            transport="telnet" if params.transport == "telnet" else transport,
            timeout_socket=params.timeout,
            timeout_transport=params.timeout,
            timeout_ops=params.timeout,
        )
        try:
            self.conn.open()
        except ScrapliAuthenticationFailed as exc:
            raise ConnectError(
                f"{params.host}:{params.effective_port}: authentication failed"
            ) from exc
        except (ScrapliConnectionError, ScrapliTimeout, ScrapliConnectionNotOpened, OSError) as exc:
            raise ConnectError(f"{params.host}:{params.effective_port}: {exc}") from exc

    @classmethod
    def from_connection(cls, conn: object, params: DeviceParams) -> ScrapliChannel:
        """Wrap a connection someone else opened (nornir_scrapli's)."""
        channel = cls.__new__(cls)
        channel.params, channel.conn = params, conn
        return channel

    def exchange(self, text: str, timeout: float) -> str:
        saved = self.conn.timeout_ops
        self.conn.timeout_ops = timeout
        try:
            raw, _ = self.conn.channel.send_input_and_read(
                text, strip_prompt=False, expected_outputs=QUESTION_ENDINGS
            )
        except ScrapliTimeout as exc:
            raise SessionLost(f"no prompt within {timeout:.0f} s after {text!r}") from exc
        except (ScrapliConnectionNotOpened, OSError, EOFError) as exc:
            raise SessionLost(f"session dropped after {text!r}: {exc}") from exc
        finally:
            self.conn.timeout_ops = saved
        output = raw.decode(errors="replace").replace("\r\n", "\n")
        # scrapli returns the echo too; drop the first line when it is the input.
        first, _, rest = output.partition("\n")
        return rest if text and first.strip().endswith(text.strip()) else output

    def protect(self, secrets: Iterable[str]) -> None:
        """scrapli's channel_log writes every byte as sent, with no masking: refuse."""
        channel_args = getattr(self.conn, "_base_channel_args", None)
        if any(secrets) and channel_args is not None and channel_args.channel_log:
            raise SessionLogError(
                f"{self.params.host}: scrapli channel_log would record secrets in clear; "
                "turn channel_log off for hosts whose intent sets secrets"
            )

    def close(self) -> None:
        try:
            self.conn.close()
        except (OSError, ScrapliConnectionNotOpened):
            pass
