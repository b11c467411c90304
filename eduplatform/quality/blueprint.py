"""The quality blueprint; each view module of the area registers its routes on it."""

from flask import Blueprint

bp = Blueprint("quality", __name__)
