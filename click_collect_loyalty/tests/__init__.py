from . import test_store_credit, test_store_credit_pos
