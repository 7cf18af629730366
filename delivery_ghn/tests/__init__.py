from . import test_ghn
