from . import api, courier, portal
