from . import courier, portal
