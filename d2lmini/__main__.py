"""`python -m d2lmini`: make sure Fashion-MNIST is available (offline if possible) and say where."""
import sys

from .datasets import DataNotFoundError, book_root, locate_fashion_mnist

try:
    book_root()
    print(f"Fashion-MNIST is ready in {locate_fashion_mnist()}")
except DataNotFoundError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
