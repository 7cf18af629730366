from . import delivery_carrier, stock_picking
