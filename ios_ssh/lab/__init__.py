"""The IOS lab: simulated routers that real SSH clients drive like real ones.

The library never imports this package; it is the test bed and the demo's embedded lab.
"""

from .device import Device
from .fleet import Lab, baseline_device, factory_device, running_lab

__all__ = ["Device", "Lab", "baseline_device", "factory_device", "running_lab"]
