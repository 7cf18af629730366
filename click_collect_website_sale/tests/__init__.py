from . import test_eshop
