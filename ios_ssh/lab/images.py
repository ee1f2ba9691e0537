"""The image families the lab can be: one reviewable table of what differs between them.

One device model consults one `Image`; nothing here is code that runs a command. Each fact
carries its source: `IF` = /work/shared/reference/image-families.md (its table or S-number),
`SAMPLE` = a capture in shared/reference/samples/, `GUIDE` = the seed SSH configuration guide,
`GV` = genieparser's ShowVersion golden outputs, `NTC` = ntc-templates' raws, `WIRE` = the
captures cited in lab/legacy_wire.py, [U] = unconfirmed (the documented or most likely
behaviour, picked on purpose).

Each family models one real platform (`Platform`, issue 25): the box `show version`, `dir`,
the line set and the interfaces describe. The columns after `serves_tp_self_signed` came
with it and default to the hybrid lab's behaviour.

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
class Platform:
    """The one real box a family models (issue 25): what `show version` says after the
    identity lines, the boot image and the file system it sits on, the lines and the
    interfaces. `show_version` lines may hold {hostname}, {uptime}, {image} (the boot
    path) and the markers <XE_NOTICE> / <CRYPTO_NOTICE> (the licence texts, version.py)."""

    name: str
    show_version: tuple[str, ...]
    boot_file: str  # the image `System image file is` names; `dir` lists it
    boot_bytes: int
    other_files: tuple[tuple[str, int], ...]  # what else `dir` lists on a fresh box
    fs_total_bytes: int
    dir_layout: str  # "classic" (IOS 12/15 `dir`) | "xe" (IOS-XE, wider size column)
    aux: bool  # a `line aux 0` (tty 1)
    vty_blocks: tuple[tuple[int, int], ...]  # `line vty` blocks of the default config
    interfaces: tuple[str, ...]  # physical and SVI, in `show ip interface brief` order
    mgmt_interface: str  # the one the lab gives the router's address
    hardware: str  # `show interfaces` "Hardware is ..." of the physical ports
    mac_base: str  # first MAC (`address is ...`), the rest count up from it
    virtual_ports: bool  # ports are up with no cable (IOL, CSR1000v); hardware needs one
    # `show line N`: Allowed output transports / Preferred transport of a line left alone
    transports: tuple[str, str]


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
    # -- added by issue 25 (defaults: the hybrid lab's behaviour) ---------------------------
    platform: Platform | None = None  # None: the hybrid lab's virtual XE router
    # `show crypto key mypubkey rsa` prints `Key type: RSA KEYS      2048 bits` (else no size)
    key_size_shown: bool = True
    # `<served key>.server` (the SSH-1 server key, 128 bits longer, `Temporary key`) is
    # listed once SSH is enabled
    server_key_shown: bool = False
    # the wire: `ext-info-s` / `kex-strict-s-v00@openssh.com` in KEXINIT and an EXT_INFO
    # (server-sig-algs) after NEWKEYS, as asyncssh (and OpenSSH >= 9.6) send them
    kex_extensions: bool = True

    @property
    def flash(self) -> str:
        return self.file_systems[0]

    def keygen_seconds(self, bits: int) -> float:
        """Realistic key-generation time: RSA prime search grows about with bits cubed [U]."""
        return round(self.keygen_seconds_2048 * (bits / 2048) ** 3, 1)


_IOS15_DISABLED = "%Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2)."

# -- the platforms (issue 25). Shapes from public captures, values (serials, sizes, MACs)
# of the lab's own where the capture's would be copied; [U] marks a value not seen on the
# platform itself. GV = genieparser's show-version golden outputs, NTC = ntc-templates' raws.

# Catalyst 6503-E with a Sup720 in slot 1 and a 48-port card in slot 2 (50 Gigabit ports):
# the layout of GV ios_cat6k golden_output (12.2(18)SXF7, a WS-C6503-E); the SXH banner
# as 12.2(33)SXH sysDescr strings show it (code index: "Cisco IOS Software, s72033_rp
# Software (s72033_rp-ADVIPSERVICESK9_WAN-M), Version 12.2(33)SXH6").
SUP720 = Platform(
    name="Catalyst 6503-E, Supervisor 720, IOS 12.2(33)SXH8b",
    show_version=(
        "Copyright (c) 1986-2010 by Cisco Systems, Inc.",
        "Compiled Tue 16-Feb-10 19:41 by prod_rel_team",  # [U] date
        "Image text-base: 0x40101040, data-base: 0x42D98000",
        "",
        "ROM: System Bootstrap, Version 12.2(17r)S4, RELEASE SOFTWARE (fc1)",
        (
            "BOOTLDR: s72033_rp Software (s72033_rp-ADVIPSERVICESK9_WAN-M), Version 12.2(33)SXH8b,"
            " RELEASE SOFTWARE (fc2)"
        ),
        "",
        "{hostname} uptime is {uptime}",
        "Time since {hostname} switched to active is {uptime}",
        "System returned to ROM by reload (SP by reload)",
        'System image file is "{image}"',
        "",
        "",
        "<CRYPTO_NOTICE>",
        "",
        "cisco WS-C6503-E (R7000) processor (revision 1.4) with 983008K/65536K bytes of memory.",
        "Processor board ID FXS1244L0AB",
        "SR71000 CPU at 600Mhz, Implementation 0x504, Rev 1.2, 512KB L2 Cache",
        "Last reset from s/w reset",
        "1 Virtual Ethernet/IEEE 802.3 interface",
        "50 Gigabit Ethernet/IEEE 802.3 interfaces",
        "1917K bytes of non-volatile configuration memory.",
        "8192K bytes of packet buffer memory.",
        "",
        "65536K bytes of Flash internal SIMM (Sector size 512K).",
        "Configuration register is 0x2102",
    ),
    boot_file="s72033-advipservicesk9_wan-mz.122-33.SXH8b.bin",
    boot_bytes=86_589_732,  # [U]
    other_files=(),
    fs_total_bytes=512_065_536,  # a 512 MB CompactFlash in disk0: [U]
    dir_layout="classic",
    aux=True,  # GUIDE: the Sup720's console and AUX
    vty_blocks=((0, 4),),
    interfaces=(
        *(f"GigabitEthernet1/{n}" for n in (1, 2)),
        *(f"GigabitEthernet2/{n}" for n in range(1, 49)),
    ),
    mgmt_interface="GigabitEthernet1/2",  # [U] a routed Sup720 uplink
    hardware="C6k 1000Mb 802.3",  # [U]
    mac_base="0019.e800.1000",
    virtual_ports=False,
    transports=("telnet ssh", "telnet"),  # [U] as the 3750-X,
)

# Catalyst 3750-X (WS-C3750X-24S) running the C3750E image: the layout of GV ios
# golden_output_ios_1 (15.2(2)E8 on a WS-C3750X-24S); the release is S7's 15.0(2)SE11
# (image-families.md). Lines: CTY 0 and VTY 1-16, no AUX (SAMPLE muninn show_line c3750x).
C3750X = Platform(
    name="Catalyst 3750-X (WS-C3750X-24S), IOS 15.0(2)SE11",
    show_version=(
        "Copyright (c) 1986-2017 by Cisco Systems, Inc.",
        "Compiled Sat 19-Aug-17 09:34 by prod_rel_team",  # [U] date
        "",
        "ROM: Bootstrap program is C3750E boot loader",
        "BOOTLDR: C3750E Boot Loader (C3750X-HBOOT-M) Version 12.2(58r)SE, RELEASE SOFTWARE (fc1)",
        "",
        "{hostname} uptime is {uptime}",
        "System returned to ROM by power-on",
        'System image file is "{image}"',
        "",
        "",
        "<CRYPTO_NOTICE>",
        "",
        "License Level: ipservices",
        "License Type: Permanent",
        "Next reload license Level: ipservices",
        "",
        "cisco WS-C3750X-24S (PowerPC405) processor (revision A0) with 524288K bytes of memory.",
        "Processor board ID FDO1512X0AB",
        "Last reset from power-on",
        "1 Virtual Ethernet interface",
        "1 FastEthernet interface",
        "28 Gigabit Ethernet interfaces",
        "2 Ten Gigabit Ethernet interfaces",
        "The password-recovery mechanism is enabled.",
        "",
        "512K bytes of flash-simulated non-volatile configuration memory.",
        "Base ethernet MAC Address       : 00:22:BD:00:15:80",
        "Motherboard assembly number     : 73-13061-04",
        "Motherboard serial number       : FDO15120ABC",
        "Model revision number           : A0",
        "Motherboard revision number     : A0",
        "Model number                    : WS-C3750X-24S-E",
        "System serial number            : FDO1512X0AB",
        "",
        "",
        "Switch Ports Model                     SW Version            SW Image",
        "------ ----- -----                     ----------            ----------",
        "*    1 30    WS-C3750X-24S             15.0(2)SE11           C3750E-UNIVERSALK9-M",
        "",
        "",
        "Configuration register is 0xF",
    ),
    boot_file="c3750e-universalk9-mz.150-2.SE11.bin",  # named as GV's flash:c3750e-...E8.bin
    boot_bytes=22_760_960,  # [U]
    other_files=(("vlan.dat", 616),),  # [U] size
    fs_total_bytes=57_671_680,  # [U] 64 MB flash
    dir_layout="classic",
    aux=False,
    vty_blocks=((0, 4), (5, 15)),
    interfaces=(
        "Vlan1",
        "FastEthernet0",
        *(f"GigabitEthernet1/0/{n}" for n in range(1, 25)),
        *(f"GigabitEthernet1/1/{n}" for n in range(1, 5)),
        *(f"TenGigabitEthernet1/1/{n}" for n in (1, 2)),
    ),
    mgmt_interface="Vlan1",
    hardware="Gigabit Ethernet",  # [U]
    mac_base="0022.bd00.1581",
    virtual_ports=False,
    transports=("telnet ssh", "telnet"),  # SAMPLE muninn c3750x show line console 0,
)

# CSR1000v: the layout of a CSR1000v 16.11.1a `show version` in a public scrapli write-up
# (code index, the DevNet sandbox) with S5's 16.9.3 release (image-families.md).
CSR1000V = Platform(
    name="CSR1000v, IOS XE 16.9.3",
    show_version=(
        "Copyright (c) 1986-2019 by Cisco Systems, Inc.",
        "Compiled Wed 20-Mar-19 07:56 by mcpre",  # [U] minute (NTC show_version4: 16.9.3)
        "",
        "",
        "<XE_NOTICE 2019>",
        "",
        "",
        "ROM: IOS-XE ROMMON",
        "",
        "{hostname} uptime is {uptime}",
        "Uptime for this control processor is {uptime}",
        "System returned to ROM by reload",
        'System image file is "{image}"',
        "Last reload reason: reload",
        "",
        "",
        "",
        "<CRYPTO_NOTICE>",
        "",
        "License Level: ax",
        "License Type: Default. No valid license found.",
        "Next reload license Level: ax",
        "",
        "cisco CSR1000V (VXE) processor (revision VXE) with 2052375K/3075K bytes of memory.",
        "Processor board ID 9LABCSR0001",
        "3 Gigabit Ethernet interfaces",
        "32768K bytes of non-volatile configuration memory.",
        "3985132K bytes of physical memory.",
        "7774207K bytes of virtual hard disk at bootflash:.",
        "0K bytes of WebUI ODM Files at webui:.",
        "",
        "Configuration register is 0x2102",
    ),
    boot_file="packages.conf",
    boot_bytes=6_137,  # [U]
    other_files=(
        ("csr1000v-mono-universalk9.16.09.03.SPA.pkg", 398_516_224),  # [U] size
        ("csr1000v-rpboot.16.09.03.SPA.pkg", 31_094_376),  # [U] size
    ),
    fs_total_bytes=7_774_207 * 1024,  # show version's "virtual hard disk at bootflash:"
    dir_layout="xe",
    aux=True,
    vty_blocks=((0, 4),),
    interfaces=("GigabitEthernet1", "GigabitEthernet2", "GigabitEthernet3"),
    mgmt_interface="GigabitEthernet1",
    hardware="CSR vNIC",  # [U]
    mac_base="5254.0012.3400",
    virtual_ports=True,
    transports=("telnet ssh", "telnet"),  # [U],
)

# Cisco IOL (IOS on Linux) with IOS XE 17.15.1, as CML runs it: the layout of a 17.15.1
# `show version` mock file in a public pyATS tutorial (code index) and SAMPLES RT01 17.15.1.
# Its only file system is `unix:` (a CML lab's notes: "IOL has no flash: - unix: path
# confirmed via show file systems"; `archive path unix:` / `configure replace unix:`).
IOL_XE = Platform(
    name="Cisco IOL (CML), IOS XE 17.15.1",
    show_version=(
        "Copyright (c) 1986-2024 by Cisco Systems, Inc.",
        "Compiled Sun 11-Aug-24 22:07 by mcpre",
        "",
        "ROM: Bootstrap program is Linux",
        "",
        "{hostname} uptime is {uptime}",
        (
            "System returned to ROM by unknown reload cause - suspect boot_data[BOOT_COUNT] 0x9,"
            " BOOT_COUNT 0, BOOTDATA 19"
        ),
        'System image file is "{image}"',
        "Last reload reason: Unknown reason",
        "",
        "",
        "",
        "<CRYPTO_NOTICE>",
        "",
        "Linux Unix (i686) processor with 796340K bytes of memory.",
        "Processor board ID 131184641",
        "4 Ethernet interfaces",
        "256K bytes of NVRAM.",
        "",
        "Configuration register is 0x0",
    ),
    boot_file="x86_64_crb_linux-adventerprisek9-ms.iol",
    boot_bytes=316_194_816,  # [U]
    other_files=(),
    fs_total_bytes=10_724_835_328,  # [U] the host's disk behind unix:
    dir_layout="xe",
    aux=True,  # SAMPLE RT01 show line | include VTY: VTYs from tty 2 (CTY 0, AUX 1)
    vty_blocks=((0, 4),),
    interfaces=tuple(f"Ethernet0/{n}" for n in range(4)),
    mgmt_interface="Ethernet0/0",
    hardware="AmdP2",  # a public netmiko lab's IOL 17.16.1a `show interfaces`
    mac_base="aabb.cc00.0100",
    virtual_ports=True,
    transports=("lat pad telnet rlogin mop ssh nasi", "lat"),  # SAMPLE RT01 17.15.1,
)

IOS12_2SX = Image(
    name="ios12.2sx",
    models="12.2(33)SXH8b on a Catalyst 6503-E Sup720 (the guide's platform)",
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
    platform=SUP720,
    key_size_shown=False,  # IF 1.6: no size on 15.x and older [U for SX]
    server_key_shown=True,  # an SSH 1.99 image: the SSH-1 server key [U for SX]
    kex_extensions=False,  # RFC 8308 (2018) and strict KEX (2023) post-date 12.2SX; see WIRE
)

IOS15 = Image(
    name="ios15",
    models="15.0(2)SE11 classic IOS on a Catalyst 3750-X",
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
    platform=C3750X,
    key_size_shown=False,  # SAMPLE muninn c3750x show crypto key: `Key type: RSA KEYS`
    server_key_shown=True,  # SAMPLE muninn c3750x: `TP-self-signed-....server`, Temporary
    kex_extensions=False,  # WIRE
)

XE16 = Image(
    name="xe16",
    models="IOS-XE 16.9.3 on a CSR1000v",
    # Shape of a 16.x `show version` (two identity lines: XE version, then IOSd image).
    show_version_head=(
        "Cisco IOS XE Software, Version 16.09.03",
        (
            "Cisco IOS Software [Fuji], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), "
            "Version 16.9.3, RELEASE SOFTWARE (fc2)"
        ),
        "Technical Support: http://www.cisco.com/techsupport",
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
    platform=CSR1000V,
    key_size_shown=False,  # SAMPLES genieparser iosxe rsa 1/2 (2021-22): no size [U for 16.9]
    server_key_shown=True,  # SAMPLE genieparser iosxe rsa 1: `TP-self-signed-....server`
    kex_extensions=False,  # WIRE
)

XE17 = Image(
    name="xe17",
    models="IOS-XE 17.15.1 on Cisco IOL (CML)",
    # IOL prints no `Cisco IOS XE Software, Version` line (netmiko's autodetect says
    # cisco_ios): the pyATS tutorial's 17.15.1 capture, netlab #2976's 17.16.1a.
    show_version_head=(
        (
            "Cisco IOS Software [IOSXE], Linux Software (X86_64BI_LINUX-ADVENTERPRISEK9-M), "
            "Version 17.15.1, RELEASE SOFTWARE (fc4)"
        ),
        "Technical Support: http://www.cisco.com/techsupport",
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
    # IOL's one file system (IOL_XE above); a hardware XE 17 router has bootflash:.
    file_systems=("unix:",),
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
    platform=IOL_XE,
    key_size_shown=True,  # SAMPLE RT01 17.15.1: `Key type: RSA KEYS      2048 bits`
    server_key_shown=True,  # SAMPLE RT01 17.15.1: `RT01.ccnp.local.server`, 2176 bits
    kex_extensions=True,  # [U] whether 17.15 sends ext-info-s / strict KEX
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
    show_version_head=(
        "Cisco IOS XE Software, Version 17.15.01",
        (
            "Cisco IOS Software [IOSXE], Linux Software (X86_64BI_LINUX-ADVENTERPRISEK9-M), "
            "Version 17.15.1, RELEASE SOFTWARE (fc4)"
        ),
    ),
    platform=None,
    server_key_shown=False,
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
