from . import test_flow
from . import test_payment
from . import test_scan
from . import test_security
from . import test_queries
from . import test_eshop
from . import test_ui
