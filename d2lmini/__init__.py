"""d2lmini: the part of the d2l library that *Dive into Deep Learning* §3.3–4.5 uses, kept to the
book's API (``import d2lmini as d2l``), with its known flaws fixed and fast in-memory data.
"""
from . import figures
from .board import ProgressBoard
from .data import DataModule, FashionMNIST, SyntheticRegressionData
from .datasets import DataNotFoundError
from .device import cpu, gpu, num_gpus, try_gpu
from .figures import plot, set_axes, set_figsize, show_images, use_svg_display
from .functional import cross_entropy, cross_entropy_logits, log_softmax, softmax
from .hyperparameters import HyperParameters, add_to_class
from .meters import Accumulator, Timer
from .models import LinearRegression, LinearRegressionScratch, SoftmaxRegression, SoftmaxRegressionScratch
from .module import Classifier, ModelError, Module
from .optim import SGD
from .shorthands import (abs, arange, argmax, astype, batch_matmul, concat, cos, cosh, exp, expand_dims, eye,
                         float32, int32, int64, linspace, log, matmul, meshgrid, nn_Module, normal, numpy, ones,
                         ones_like, rand, randn, reduce_mean, reduce_sum, repeat, reshape, sigmoid, sin, sinh, size,
                         stack, swapaxes, tanh, tensor, to, transpose, zeros, zeros_like)
from .trainer import History, Trainer

__all__ = [
    "HyperParameters", "add_to_class", "ProgressBoard", "show_images", "use_svg_display",
    "plt", "plot", "set_figsize", "set_axes", "Timer", "Accumulator",
    "Module", "Classifier", "ModelError", "DataModule", "SyntheticRegressionData", "FashionMNIST",
    "DataNotFoundError", "Trainer", "History", "SGD", "softmax", "log_softmax", "cross_entropy",
    "cross_entropy_logits", "LinearRegressionScratch", "LinearRegression",
    "SoftmaxRegressionScratch", "SoftmaxRegression", "cpu", "gpu", "num_gpus", "try_gpu",
    # the book's framework shorthands (d2lmini.shorthands)
    "ones_like", "ones", "zeros_like", "zeros", "tensor", "arange", "meshgrid", "sin", "sinh", "cos",
    "cosh", "tanh", "linspace", "exp", "log", "normal", "rand", "randn", "matmul", "int32", "int64",
    "float32", "concat", "stack", "abs", "eye", "sigmoid", "batch_matmul", "numpy", "size", "reshape",
    "to", "reduce_sum", "argmax", "astype", "transpose", "reduce_mean", "expand_dims", "swapaxes",
    "repeat", "nn_Module",
]


def __getattr__(name: str) -> object:
    """``d2l.plt``, matplotlib's pyplot, imported on first use so that importing d2lmini starts no plotting."""
    if name == "plt":
        return figures.plt
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | {"plt"})
