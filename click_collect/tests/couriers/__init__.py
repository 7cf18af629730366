"""Test couriers: real HTTP and SOAP servers on 127.0.0.1 speaking the carriers' public shapes.

Used by the Odoo tests of the addon and by the end-to-end tests of the project. They can be
told to be slow, to fail with 5xx, to time out or to answer garbage.
"""
