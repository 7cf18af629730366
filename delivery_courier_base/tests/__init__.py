from . import test_carrier, test_transport
