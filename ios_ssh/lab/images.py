"""The image families the lab can be: one reviewable table of what differs between them.

One device model consults one `Image`; nothing here is code that runs a command. Each fact
carries its source: `IF` = /work/shared/reference/image-families.md (its table or S-number),
`SAMPLE` = a capture in shared/reference/samples/, `GUIDE` = the seed SSH configuration guide,
[U] = unconfirmed (the documented or most likely behaviour, picked on purpose).

Algorithm names are asyncssh's (what the lab's server negotiates); `shown` lists are what
`show ip ssh` prints, which may name algorithms asyncssh lacks (x509v3-ssh-rsa, plain
aes128-gcm): those are printed but never negotiated.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

FAMILIES = ("ios12.2sx", "ios15", "xe16", "xe17")
DEFAULT_IMAGE = "xe17"  # `serve`'s default, as issue 11 asks
# In-process default (baseline_device, factory_device, running_lab, the demo topology):
# the lab as it was before the families existed, so the library's tests keep passing until
# it understands XE 17 (hidden version 2, 2048-bit minimum). See HYBRID below.
IN_PROCESS_DEFAULT = "hybrid"


@dataclass(frozen=True)
class Image:
    name: str
    models: str
    # -- identity: the first lines of `show version`, and running-config's `version` line
    show_version_head: tuple[str, ...]
    config_version: str
    # -- SSH transport (asyncssh names, in the router's order of preference)
    kex: tuple[str, ...]
    host_key_algs: tuple[str, ...]
    ciphers: tuple[str, ...]
    macs: tuple[str, ...]
    # -- `show ip ssh`: which shape, and the algorithm lines it prints (label, text)
    show_ip_ssh: str  # "two-line" | "classic" | "xe16" | "xe17"
    shown_algorithms: tuple[tuple[str, str], ...]
    disabled_text: str  # the line under `SSH Disabled - version ...`
    # -- `ip ssh version`
    default_version: int | None  # None: compatibility mode (1.99)
    version_hidden: bool  # the default is not in `show run`, only in `show run all`
    version1_accepted: bool
    # -- `crypto key generate rsa`
    modulus_range: tuple[int, int]
    modulus_prompt_default: int
    exec_keygen_background: bool  # EXEC-mode keygen exists and runs in the background
    keygen_seconds_2048: float  # realistic time for 2048 bits (`--keygen-seconds realistic`)
    # -- `ip ssh dh min size`: None when the command is absent
    dh_sizes: tuple[int, ...] | None
    dh_default: int | None  # what `show ip ssh` says with no `ip ssh dh min size`
    pubkey_chain: bool  # `ip ssh pubkey-chain` and `ip ssh stricthostkeycheck` exist
    revert_timer: bool  # Config Rollback Confirmed Change (`configure terminal revert timer`)
    configure_replace: bool
    file_systems: tuple[str, ...]  # the first is where `dir` with no argument looks
    serves_tp_self_signed: bool  # SSH serves a TP-self-signed-* key when one exists and no
    # keypair-name is set; otherwise the first RSA key generated
    # -- access (issue 22): the pubkey-chain's user key types (`key-hash TYPE`, key-string
    # blobs), and whether `no username X` asks `[confirm]` first
    pubkey_key_types: tuple[str, ...] = ("ssh-rsa",)
    no_username_confirm: bool = False

    @property
    def flash(self) -> str:
        return self.file_systems[0]

    def keygen_seconds(self, bits: int) -> float:
        """Realistic key-generation time: RSA prime search grows about with bits cubed [U]."""
        return round(self.keygen_seconds_2048 * (bits / 2048) ** 3, 1)


_IOS15_DISABLED = "%Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2)."

IOS12_2SX = Image(
    name="ios12.2sx",
    models="12.2(33)SXH, Catalyst 6500 Sup720 (the guide's platform)",
    # Shape of the Sup720 image line: NG-NetMS fixture s72033_rp (IOS Software, s72033_rp
    # Software (s72033_rp-ADVIPSERVICESK9_WAN-M), 12.2(33)SXI13); release picked as SXH8b.
    show_version_head=(
        (
            "Cisco IOS Software, s72033_rp Software (s72033_rp-ADVIPSERVICESK9_WAN-M), "
            "Version 12.2(33)SXH8b, RELEASE SOFTWARE (fc2)"
        ),
        "Technical Support: http://www.cisco.com/techsupport",
    ),
    config_version="12.2",
    # IF 1.1: group1-sha1 only (GUIDE adds DH group exchange in 12.4(20)T; S8 a 6504).
    kex=("diffie-hellman-group1-sha1",),
    host_key_algs=("ssh-rsa",),  # IF 1.1 [U: inferred, no SX capture]
    ciphers=("aes128-cbc", "3des-cbc", "aes192-cbc", "aes256-cbc"),  # IF 1.1, GUIDE l.1379, S9
    macs=("hmac-sha1", "hmac-sha1-96", "hmac-md5", "hmac-md5-96"),  # IF 1.1 (S4) [U for SX]
    # SAMPLE labnotes-R1-ro (two lines: version 1.99 + timeout); GUIDE l.600-615.
    show_ip_ssh="two-line",
    shown_algorithms=(),
    # SAMPLE secondary-kisa-guide-kr: `%SSH has not been enabled` on old images.
    disabled_text="%SSH has not been enabled",
    default_version=None,  # IF 1.4: compat (1.99)
    version_hidden=False,
    version1_accepted=True,
    modulus_range=(360, 2048),  # IF 1.3: max 2048 before 15.1(1)T (S12), prompt [512] (S16)
    modulus_prompt_default=512,
    exec_keygen_background=False,
    keygen_seconds_2048=45.0,  # IF 1.3: "minutes on Sup720 for 2048+" [U]; issue: tens of s
    dh_sizes=None,  # IF 1.4: `ip ssh dh min size` is 12.4(20)T / 15.1(2)S (GUIDE l.1176)
    dh_default=None,
    pubkey_chain=False,  # IF 1.4: 15.0(1)M / 15.1(1)S (GUIDE l.2078)
    revert_timer=False,  # IF 1.5: Rollback Confirmed Change from 12.2(33)SXI (S2)
    configure_replace=True,  # IF 1.5: configure replace from 12.2(33)SXH (S2)
    file_systems=("disk0:", "sup-bootdisk:", "bootflash:"),  # IF 1.5 [U]: no flash:
    serves_tp_self_signed=False,  # GUIDE l.1166: "the first RSA keys generated"
    pubkey_key_types=(),  # no pubkey-chain (GUIDE l.2078)
    no_username_confirm=False,  # [U]: the question is documented for IOS XE only
)

IOS15 = Image(
    name="ios15",
    models="15.x classic IOS (ISR G2 / Catalyst)",
    # Shape of a classic 15.x image line (Catalyst 3750-X, the c3750x samples' platform).
    show_version_head=(
        (
            "Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.0(2)SE11, "
            "RELEASE SOFTWARE (fc3)"
        ),
        "Technical Support: http://www.cisco.com/techsupport",
    ),
    config_version="15.0",
    # IF 1.1: 6500 15.1(2)SY10 (S4) and Cisco-1.25 routers (S27): these three.
    kex=(
        "diffie-hellman-group-exchange-sha1",
        "diffie-hellman-group14-sha1",
        "diffie-hellman-group1-sha1",
    ),
    host_key_algs=("ssh-rsa",),  # SAMPLE muninn c3750x: x509v3-ssh-rsa,ssh-rsa
    # SAMPLE muninn c3750x / oxidized2564 ASR920 15.5(3)S6: ctr then CBC.
    ciphers=(
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
        "aes128-cbc",
        "3des-cbc",
        "aes192-cbc",
        "aes256-cbc",
    ),
    macs=("hmac-sha1", "hmac-sha1-96"),  # same samples
    show_ip_ssh="classic",  # SAMPLE muninn c3750x: algorithm lines, no KEX line, DH line
    shown_algorithms=(
        ("Authentication methods", "publickey,keyboard-interactive,password"),
        ("Authentication Publickey Algorithms", "x509v3-ssh-rsa,ssh-rsa"),
        ("Hostkey Algorithms", "x509v3-ssh-rsa,ssh-rsa"),
        (
            "Encryption Algorithms",
            "aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc,aes192-cbc,aes256-cbc",
        ),
        ("MAC Algorithms", "hmac-sha1,hmac-sha1-96"),
    ),
    disabled_text=_IOS15_DISABLED,  # SAMPLE labnotes-SW-3F-01-tw
    default_version=None,
    version_hidden=False,
    version1_accepted=True,
    modulus_range=(360, 4096),  # IF 1.3 (S16): "360 to 4096", [512]
    modulus_prompt_default=512,
    exec_keygen_background=False,
    keygen_seconds_2048=11.0,  # IF 1.3 (S16): 11 s on a router, 57 s on an IE switch
    dh_sizes=(1024, 2048, 4096),  # IF 1.4
    dh_default=1024,  # SAMPLE muninn c3750x: "Minimum expected Diffie Hellman key size : 1024"
    pubkey_chain=True,
    revert_timer=True,  # IF 1.5: 12.4(20)T and later trains (S2); S24 a 2901 on 15.x
    configure_replace=True,
    file_systems=("flash:",),
    serves_tp_self_signed=True,  # SAMPLE muninn c3750x: TP-self-signed-* served
    # GUIDE l.1342 "The key type must be ssh-rsa"; SAMPLE muninn c3750x: x509v3-ssh-rsa,ssh-rsa
    pubkey_key_types=("ssh-rsa",),
    no_username_confirm=False,  # [U]
)

XE16 = Image(
    name="xe16",
    models="IOS-XE 16.x",
    # Shape of a 16.x `show version` (two identity lines: XE version, then IOSd image).
    show_version_head=(
        "Cisco IOS XE Software, Version 16.09.03",
        (
            "Cisco IOS Software [Fuji], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
            "Version 16.9.3, RELEASE SOFTWARE (fc2)"
        ),
    ),
    config_version="16.9",
    kex=("diffie-hellman-group-exchange-sha1", "diffie-hellman-group14-sha1"),  # IF 1.1 (S5)
    host_key_algs=("ssh-rsa",),  # SAMPLE oxidized2564 16.12.5: x509v3-ssh-rsa,ssh-rsa
    # SAMPLE oxidized2564 16.12.5 (its order).
    ciphers=(
        "3des-cbc",
        "aes128-cbc",
        "aes128-ctr",
        "aes192-cbc",
        "aes192-ctr",
        "aes256-cbc",
        "aes256-ctr",
    ),
    macs=("hmac-sha2-256", "hmac-sha2-512", "hmac-sha1", "hmac-sha1-96"),
    show_ip_ssh="xe16",  # the 15.x form plus a KEX line (SAMPLE oxidized2564 16.12.5)
    shown_algorithms=(
        ("Authentication methods", "publickey,keyboard-interactive,password"),
        ("Authentication Publickey Algorithms", "x509v3-ssh-rsa,ssh-rsa"),
        ("Hostkey Algorithms", "x509v3-ssh-rsa,ssh-rsa"),
        (
            "Encryption Algorithms",
            "3des-cbc,aes128-cbc,aes128-ctr,aes192-cbc,aes192-ctr,aes256-cbc,aes256-ctr",
        ),
        ("MAC Algorithms", "hmac-sha2-256,hmac-sha2-512,hmac-sha1,hmac-sha1-96"),
        ("KEX Algorithms", "diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1"),
    ),
    disabled_text=_IOS15_DISABLED,  # [U] for 16.x
    default_version=None,
    version_hidden=False,
    version1_accepted=True,
    modulus_range=(360, 4096),  # IF 1.3 [U for 16.x]
    modulus_prompt_default=512,
    exec_keygen_background=False,
    keygen_seconds_2048=4.0,  # IF 1.3: 1-7 s typical on XE [S]
    dh_sizes=(1024, 2048, 4096),
    dh_default=1024,  # [U]: the 16.12.5 excerpt is cut before this line
    pubkey_chain=True,
    revert_timer=True,  # IF 1.5 (XE config-management guides)
    configure_replace=True,
    file_systems=("bootflash:", "flash:"),  # IF 1.5: bootflash:, flash: an alias [U]
    serves_tp_self_signed=True,
    pubkey_key_types=("ssh-rsa",),  # SAMPLE oxidized2564 16.12.5: x509v3-ssh-rsa,ssh-rsa
    # cisco.ios ios_user answers "This operation will remove all username related
    # configurations with same name" on `no username` [S for 16.x]
    no_username_confirm=True,
)

XE17 = Image(
    name="xe17",
    models="IOS-XE 17.x",
    show_version_head=(
        "Cisco IOS XE Software, Version 17.15.01",
        (
            "Cisco IOS Software [IOSXE], Linux Software (X86_64BI_LINUX-ADVENTERPRISEK9-M), "
            "Version 17.15.1, RELEASE SOFTWARE (fc4)"
        ),
    ),
    config_version="17.15",
    # SAMPLE labnotes-RT01-iol-17.15.1 show_ip_ssh: no SHA-1 (IF 1.1, S11).
    kex=(
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256",
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group16-sha512",
    ),
    # The 17.15 sample lists ssh-rsa after rsa-sha2 (the table names rsa-sha2 only;
    # the capture wins). ecdsa/ed25519 need EC keys, which the lab does not make.
    host_key_algs=("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"),
    # The sample's plain `aes128-gcm`/`aes256-gcm` are not asyncssh names: shown only.
    ciphers=(
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
    ),
    macs=("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"),  # etm only
    show_ip_ssh="xe17",
    shown_algorithms=(
        ("Authentication methods", "publickey,keyboard-interactive,password"),
        (
            "Authentication Publickey Algorithms",
            (
                "ssh-rsa,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-ed25519,"
                "x509v3-ecdsa-sha2-nistp256,x509v3-ecdsa-sha2-nistp384,x509v3-ecdsa-sha2-nistp521,"
                "rsa-sha2-256,rsa-sha2-512,x509v3-rsa2048-sha256"
            ),
        ),
        (
            "Hostkey Algorithms",
            (
                "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
                "rsa-sha2-512,rsa-sha2-256,ssh-rsa"
            ),
        ),
        (
            "Encryption Algorithms",
            (
                "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
                "aes128-gcm,aes256-gcm,aes128-ctr,aes192-ctr,aes256-ctr"
            ),
        ),
        ("MAC Algorithms", "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"),
        (
            "KEX Algorithms",
            (
                "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
                "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group14-sha256,"
                "diffie-hellman-group16-sha512"
            ),
        ),
    ),
    # SAMPLE labnotes-RT01-iol-17.15.1 show_ip_ssh__1_disabled_no_keys.
    disabled_text=(
        "%Please create EC or RSA keys to enable SSH (and of atleast 2048 bits for SSH v2 "
        "in case of RSA)."
    ),
    # SAMPLES RT01 17.15.1: `show ip ssh` 2.0 with no config; `show run all` lists
    # `ip ssh version 2`, plain `show run` does not; `ip ssh version 1` is invalid input.
    default_version=2,
    version_hidden=True,
    version1_accepted=False,
    # SAMPLE RTR-Training-SSH keygen dialogue: "2048 to 4096", [2048], background in EXEC;
    # SAMPLE RT01 config_responses: modulus 512/768/1024/1536 -> invalid input; S13.
    modulus_range=(2048, 4096),
    modulus_prompt_default=2048,
    exec_keygen_background=True,
    keygen_seconds_2048=3.0,  # IF 1.3: 1-7 s on XE/virtual [S]
    dh_sizes=(2048, 4096),  # SAMPLE RT01 config_responses: `dh min size 1024` invalid
    dh_default=2048,  # SAMPLE RT01 show_ip_ssh
    pubkey_chain=True,
    revert_timer=True,
    configure_replace=True,
    file_systems=("bootflash:", "flash:"),  # IF 1.5 (S23 backs up to bootflash:) [U alias]
    serves_tp_self_signed=True,  # SAMPLES muninn isr1100/cat9300, oxidized3067
    # SAMPLE RT01 17.15.1 (and netlab#2976 17.16.1a): ecdsa-sha2-nistp256/384/521 and
    # ssh-ed25519 among the Authentication Publickey Algorithms; public XE 17 configs show
    # `key-hash ssh-ed25519 <MD5>` under the pubkey-chain [S]
    pubkey_key_types=(
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "ssh-ed25519",
    ),
    # "IOS XE 17.x prompts for confirmation when removing a username" (public expect
    # scripts; cisco.ios ios_user's prompt) [S]
    no_username_confirm=True,
)

# Not a real image: the lab before image families (XE 17 transport and show shapes, 15.x
# command semantics: compat 1.99, `ip ssh version 1`, 360-4096 bits, [512], dh 1024).
# It stays the in-process default until the library learns XE 17; paramiko 5 (netmiko)
# cannot log in to ios15/xe16/ios12.2sx at all (SHA-1 key exchange only), so it cannot be
# the stand-in for "classic" behaviour in tests that drive the library.
HYBRID = dataclasses.replace(
    XE17,
    name="hybrid",
    models="the lab before image families: XE 17 wire and shapes, 15.x CLI semantics",
    kex=(
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256",
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group16-sha512",
    ),
    host_key_algs=("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"),
    ciphers=(
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
    ),
    macs=(
        "hmac-sha2-256-etm@openssh.com",
        "hmac-sha2-512-etm@openssh.com",
        "hmac-sha2-256",
        "hmac-sha2-512",
        "hmac-sha1",
    ),
    shown_algorithms=(
        ("Authentication methods", "publickey,keyboard-interactive,password"),
        ("Authentication Publickey Algorithms", "rsa-sha2-256,rsa-sha2-512,ssh-rsa"),
        ("Hostkey Algorithms", "rsa-sha2-512,rsa-sha2-256,ssh-rsa"),
        (
            "Encryption Algorithms",
            "aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr",
        ),
        (
            "MAC Algorithms",
            (
                "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,"
                "hmac-sha2-512,hmac-sha1"
            ),
        ),
        (
            "KEX Algorithms",
            (
                "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
                "diffie-hellman-group14-sha256,diffie-hellman-group16-sha512"
            ),
        ),
    ),
    disabled_text=_IOS15_DISABLED,
    default_version=None,
    version_hidden=False,
    version1_accepted=True,
    modulus_range=(360, 4096),
    modulus_prompt_default=512,
    exec_keygen_background=False,
    dh_sizes=(1024, 2048, 4096),
    dh_default=2048,
    file_systems=("flash:",),
    serves_tp_self_signed=False,
)

IMAGES: dict[str, Image] = {i.name: i for i in (IOS12_2SX, IOS15, XE16, XE17, HYBRID)}


def image(name: str | Image | None) -> Image:
    """The profile called `name` (None: the in-process default)."""
    if isinstance(name, Image):
        return name
    try:
        return IMAGES[name or IN_PROCESS_DEFAULT]
    except KeyError:
        raise ValueError(f"unknown image {name!r}; one of {', '.join(IMAGES)}") from None


def mixed(index: int) -> str:
    """`--image mixed`: router number `index` (0-based) takes the families in turn."""
    return FAMILIES[index % len(FAMILIES)]
