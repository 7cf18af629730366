from . import api, courier
