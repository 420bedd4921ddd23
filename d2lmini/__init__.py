"""d2lmini: the part of the d2l library that *Dive into Deep Learning* §3.3–4.5 uses, kept to the
book's API (``import d2lmini as d2l``), with its known flaws fixed and fast in-memory data.
"""
from .data import DataModule, FashionMNIST, SyntheticRegressionData
from .datasets import DataNotFoundError
from .device import cpu, gpu, num_gpus, try_gpu
from .functional import cross_entropy, cross_entropy_logits, log_softmax, softmax
from .hyperparameters import HyperParameters, add_to_class
from .models import LinearRegression, LinearRegressionScratch, SoftmaxRegression, SoftmaxRegressionScratch
from .module import Classifier, ModelError, Module
from .optim import SGD
from .plot import ProgressBoard, show_images, use_svg_display
from .trainer import History, Trainer

__all__ = [
    "HyperParameters", "add_to_class", "ProgressBoard", "show_images", "use_svg_display",
    "Module", "Classifier", "ModelError", "DataModule", "SyntheticRegressionData", "FashionMNIST",
    "DataNotFoundError", "Trainer", "History", "SGD", "softmax", "log_softmax", "cross_entropy",
    "cross_entropy_logits", "LinearRegressionScratch", "LinearRegression",
    "SoftmaxRegressionScratch", "SoftmaxRegression", "cpu", "gpu", "num_gpus", "try_gpu",
]
