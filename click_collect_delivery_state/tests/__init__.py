from . import test_delivery_state
