from . import test_cod_couriers, test_courier_faults, test_couriers, test_delivery_state_couriers, test_return_labels
