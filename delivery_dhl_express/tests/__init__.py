from . import test_dhl_express
