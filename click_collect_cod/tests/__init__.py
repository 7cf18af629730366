from . import test_cod, test_cod_flow, test_cod_owed
