from . import order_barcode
