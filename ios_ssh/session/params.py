"""How to reach one device: netmiko-style fields, validated before any connection."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from ..errors import IntentError

Driver = Literal["netmiko", "scrapli"]


class DeviceParams(BaseModel):
    """`host`, `port`, `username`, `password`, `secret`, `device_type` as netmiko has them.

    Secrets are `SecretStr`: they never show in a repr, a log line or an exception.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str
    port: int | None = Field(None, ge=1, le=65535)
    username: str
    password: SecretStr = SecretStr("")
    secret: SecretStr = SecretStr("")
    device_type: Literal["cisco_ios", "cisco_xe", "cisco_ios_telnet"] = "cisco_ios"
    ssh_port: int | None = Field(
        None, ge=1, le=65535, description="SSH port for checks when the session itself is telnet"
    )
    telnet_port: int | None = Field(
        None, ge=1, le=65535, description="telnet port for the 'telnet refused' check (23)"
    )
    reverse_port_offset: int = Field(
        0, description="reverse SSH port N is reached at N + offset (0 on real routers)"
    )
    timeout: float = Field(30.0, gt=0, description="seconds to wait for an ordinary command")
    keygen_timeout: float = Field(600.0, gt=0, description="seconds to wait for key generation")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not value or any(c.isspace() for c in value):
            raise ValueError("must be a host name or address")
        return value

    @property
    def transport(self) -> Literal["ssh", "telnet"]:
        return "telnet" if self.device_type.endswith("_telnet") else "ssh"

    @property
    def effective_port(self) -> int:
        return self.port or (23 if self.transport == "telnet" else 22)

    @property
    def effective_ssh_port(self) -> int:
        if self.transport == "ssh":
            return self.effective_port
        return self.ssh_port or 22

    def with_login(self, username: str, password: str) -> DeviceParams:
        """The same device, another user (the password stays a SecretStr)."""
        return self.model_copy(update={"username": username, "password": SecretStr(password)})

    def for_ssh(self) -> DeviceParams:
        """The same device reached over SSH (for checks after a telnet-to-SSH migration)."""
        return self.model_copy(update={"device_type": "cisco_ios", "port": self.effective_ssh_port})

    @classmethod
    def coerce(cls, device: DeviceParams | dict[str, Any]) -> DeviceParams:
        """Accept a netmiko-style dict (or scrapli's `auth_*` names); errors name the field."""
        if isinstance(device, DeviceParams):
            return device
        data = dict(device)
        for scrapli_name, ours in (
            ("auth_username", "username"),
            ("auth_password", "password"),
            ("auth_secondary", "secret"),
        ):
            if scrapli_name in data:
                data[ours] = data.pop(scrapli_name)
        if data.get("transport") == "telnet":
            data.pop("transport")
            data["device_type"] = "cisco_ios_telnet"
        data.pop("transport", None)
        data.pop("platform", None)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = []
            for err in exc.errors(include_url=False):
                loc = ".".join(str(p) for p in err["loc"]) or "device"
                shown = "***" if loc in ("password", "secret") else repr(err.get("input"))
                problems.append(f"device.{loc}: {shown} is not valid: {err['msg']}")
            raise IntentError(problems) from None
