"""Code 128 barcodes of order numbers, rendered with python-barcode (no ORM here)."""

import base64
import io

import barcode
from barcode.writer import ImageWriter


def code128_png(value, module_height=12.0, with_text=True):
    """Return the PNG bytes of the Code 128 barcode of ``value``."""
    out = io.BytesIO()
    barcode.Code128(value, writer=ImageWriter()).write(out, options={
        "module_height": module_height, "write_text": with_text, "quiet_zone": 4.0, "dpi": 200,
        "font_size": 8, "text_distance": 3.0,
    })
    return out.getvalue()


def code128_png_base64(value, **options):
    return base64.b64encode(code128_png(value, **options))


def qr_png(value, box_size=6):
    """Return the PNG bytes of the QR code of ``value`` (the pickup code in customer messages)."""
    import qrcode

    out = io.BytesIO()
    qrcode.make(value, box_size=box_size, border=2).save(out, format="PNG")
    return out.getvalue()
