from . import courier
