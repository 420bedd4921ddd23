"""What a from-scratch task must not use, declared once per family of library functions.

A family lists every route the installed libraries offer to one result, by the dotted name
its object is imported under (``torch.nn.functional.softmin``, ``torch.Tensor.softmax``):
the library's own function, its aliases in other namespaces, the module classes that wrap
it, the tensor methods, the private operators and d2lmini's versions. A task declares the
families it forbids (``forbidden=SOFTMAX + CROSS_ENTROPY``); the source scan
(``autograder/core/forbidden.py``) and the resolver (``autograder/core/resolver.py``) read these
names, and the note of ``autograder/core/from_scratch.py`` names the family through
:func:`in_words`. A name whose module does not import is compared by spelling only.
"""
from __future__ import annotations

from typing import Sequence

from autograder.core.formatting import first_few
from autograder.core.i18n import N_, _, ngettext

__all__ = ["SOFTMAX", "CROSS_ENTROPY", "LINEAR_LAYER", "SQUARED_LOSS", "SGD", "BOOK_MODELS",
           "MINIBATCH_LOADER", "PERMUTATION_TABLE", "BOOK_FASHION_LOADER", "BOOK_ACCURACY",
           "BOOK_SHOW_IMAGES", "BOOK_TEXT_LABELS", "ONE_HOT", "ENTROPY", "AUTOGRAD", "FAMILIES", "in_words",
           "short_name"]

_LOGIT_LOSSES = (
    "torch.nn.functional.cross_entropy", "torch.nn.CrossEntropyLoss", "torch._C._nn.cross_entropy_loss",
    "torch.ops.aten.cross_entropy_loss", "torch.nn.functional.linear_cross_entropy",
    "torch.nn.AdaptiveLogSoftmaxWithLoss", "torch.distributions.Categorical",
    "torch.distributions.OneHotCategorical", "d2lmini.cross_entropy_logits", "d2lmini.Classifier.loss",
)
"""Losses on logits: each normalizes with a (log-)softmax inside, so exp(-loss) per class, the loss's
gradient or a distribution's probabilities give the softmax back. Shared by two families."""

SOFTMAX = (
    "torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.nn.Softmax",
    "torch.nn.functional.softmin", "torch.nn.Softmin",
    "torch.log_softmax", "torch.nn.functional.log_softmax", "torch.Tensor.log_softmax", "torch.nn.LogSoftmax",
    "torch.logsumexp", "torch.Tensor.logsumexp",
    "torch.special.softmax", "torch.special.log_softmax", "torch.special.logsumexp",
    "torch.nn.Softmax2d", "torch.nn.functional.gumbel_softmax",
    "torch.masked.softmax", "torch.masked.softmin", "torch.masked.log_softmax", "torch.masked.logsumexp",
    "torch.sparse.softmax", "torch.sparse.log_softmax",
    "torch._softmax", "torch._log_softmax", "torch._safe_softmax", "torch._masked_softmax",
    "torch.ops.aten.softmax", "torch.ops.aten._softmax", "torch.ops.aten.log_softmax",
    "torch.ops.aten._log_softmax", "torch.ops.aten.logsumexp", "torch.ops.aten._safe_softmax",
    "torch.ops.aten.special_softmax", "torch.ops.aten.special_log_softmax",
    # attention is softmax(Q Kᵀ / √d) V: with K = √d·I and V = I it is the softmax of Q
    "torch.nn.functional.scaled_dot_product_attention", "torch.nn.functional.multi_head_attention_forward",
    "torch.nn.MultiheadAttention",
    "torch.distributions.RelaxedOneHotCategorical", "torch.distributions.Multinomial",
    "torch.distributions.utils.logits_to_probs", "torch.distributions.SoftmaxTransform",
    # torch's reference implementations and decompositions, written in Python
    "torch._refs.softmax", "torch._refs.log_softmax", "torch._refs.logsumexp", "torch._refs.nn.functional.softmax",
    "torch._refs.nn.functional.softmin", "torch._refs.nn.functional.log_softmax", "torch._refs.special.softmax",
    "torch._refs.special.log_softmax", "torch._decomp.decompositions._softmax",
    "torch._decomp.decompositions._log_softmax", "torch._decomp.decompositions.safe_softmax",
    "d2lmini.softmax", "d2lmini.log_softmax", "d2lmini.SoftmaxRegressionScratch",
) + _LOGIT_LOSSES
"""Every library route to a softmax: softmax, softmin, log-softmax and log-sum-exp in all their
namespaces, their modules and tensor methods, attention, categorical distributions and the
losses on logits."""

CROSS_ENTROPY = (
    "torch.nn.functional.nll_loss", "torch.nn.NLLLoss", "torch.nn.NLLLoss2d", "torch._C._nn.nll_loss",
    "torch._C._nn.nll_loss2d", "torch._C._nn.nll_loss_nd", "torch.ops.aten.nll_loss",
    "torch.ops.aten.nll_loss_nd", "torch.ops.aten.nll_loss_forward",
    # KL(one-hot ‖ ŷ) is -log ŷ[y]; binary cross-entropy of ŷ[y] against 1 is too
    "torch.nn.functional.kl_div", "torch.nn.KLDivLoss", "torch.kl_div", "torch.ops.aten.kl_div",
    "torch.nn.functional.binary_cross_entropy", "torch.nn.BCELoss", "torch._C._nn.binary_cross_entropy",
    "torch.nn.functional.binary_cross_entropy_with_logits", "torch.nn.BCEWithLogitsLoss",
    "torch._refs.nn.functional.nll_loss", "torch._decomp.decompositions.nll_loss_forward",
    "torch._decomp.decompositions.binary_cross_entropy", "torch._decomp.decompositions.binary_cross_entropy_with_logits",
    "d2lmini.cross_entropy",
) + _LOGIT_LOSSES
"""Every library route to the cross-entropy loss: on probabilities (NLL, KL divergence, binary
cross-entropy) and on logits."""

LINEAR_LAYER = ("torch.nn.Linear", "torch.nn.LazyLinear", "torch.nn.functional.linear",
                "torch.ops.aten.linear")
"""The library's fully connected layer (X Wᵀ + b)."""

SQUARED_LOSS = ("torch.nn.MSELoss", "torch.nn.functional.mse_loss", "torch._C._nn.mse_loss",
                "torch.ops.aten.mse_loss", "torch._refs.nn.functional.mse_loss", "torch._decomp.decompositions.mse_loss",
                # with var = 1 the Gaussian negative log-likelihood is (ŷ − y)² / 2
                "torch.nn.GaussianNLLLoss", "torch.nn.functional.gaussian_nll_loss")
"""The library's squared loss."""

SGD = ("torch.optim.SGD", "torch.optim.sgd.sgd", "d2lmini.SGD")
"""The library's stochastic gradient descent, as an optimizer and as the functional step."""

BOOK_MODELS = ("d2lmini.LinearRegressionScratch", "d2lmini.LinearRegression",
               "d2lmini.SoftmaxRegressionScratch", "d2lmini.SoftmaxRegression")
"""The book's four models as d2lmini ships them: the answers to the model tasks."""

MINIBATCH_LOADER = ("torch.utils.data.DataLoader", "torch.utils.data.BatchSampler",
                    "d2lmini.DataModule.get_tensorloader", "self.get_tensorloader",
                    "d2lmini.SyntheticRegressionData", "d2lmini.loader.tensor_loader",
                    "d2lmini.loader.TensorBatches")
"""The library's minibatch iterators (``self.get_tensorloader``: the method a DataModule inherits)."""

PERMUTATION_TABLE = ("torch.randperm", "torch.argsort", "torch.Tensor.argsort", "torch.sort", "torch.Tensor.sort",
                     "torch.multinomial", "random.shuffle", "random.sample", "numpy.random.permutation",
                     "numpy.random.shuffle", "numpy.random.choice", "numpy.random.default_rng",
                     "numpy.random.Generator", "numpy.argsort")
"""Whatever builds or orders a table of n positions: a shuffle must be computed position by position."""

BOOK_FASHION_LOADER = ("d2lmini.FashionMNIST.get_dataloader", "d2lmini.DataModule.get_tensorloader")
"""d2lmini's loaders of Fashion-MNIST (torch's DataLoader is what the task asks for)."""

BOOK_ACCURACY = ("d2lmini.Classifier.accuracy",)
"""d2lmini's accuracy."""

BOOK_SHOW_IMAGES = ("d2lmini.show_images", "d2lmini.FashionMNIST.visualize")
"""d2lmini's image grid."""

BOOK_TEXT_LABELS = ("d2lmini.FashionMNIST.text_labels",)
"""d2lmini's Fashion-MNIST label names."""

ONE_HOT = ("torch.nn.functional.one_hot", "torch._C._nn.one_hot", "torch.ops.aten.one_hot",
           "torch._decomp.decompositions.one_hot")
"""The library's one-hot encoding of integer labels (scikit-learn's OneHotEncoder is not a dependency)."""

ENTROPY = ("torch.special.entr", "torch.distributions.Distribution.entropy", "torch.distributions.Categorical",
           "torch.distributions.OneHotCategorical", "torch.distributions.kl_divergence")
"""The library's entropy: the term -p ln p, a distribution's entropy and KL divergence."""

AUTOGRAD = ("torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward", "torch.func.grad",
            "torch.func.grad_and_value", "torch.func.vjp", "torch.func.jacrev", "torch.func.jacfwd",
            "torch.autograd.functional.vjp", "torch.autograd.functional.jacobian")
"""Automatic differentiation: a gradient derived by hand must not be computed by autograd."""

FAMILIES: dict[str, tuple[str, ...]] = {
    N_("softmax"): SOFTMAX, N_("cross-entropy"): CROSS_ENTROPY, N_("linear layer"): LINEAR_LAYER,
    N_("squared loss"): SQUARED_LOSS, N_("SGD"): SGD, N_("models"): BOOK_MODELS,
    N_("minibatch loaders"): MINIBATCH_LOADER, N_("permutations"): PERMUTATION_TABLE,
    N_("Fashion-MNIST loaders"): BOOK_FASHION_LOADER, N_("accuracy"): BOOK_ACCURACY, N_("image grid"): BOOK_SHOW_IMAGES,
    N_("text labels"): BOOK_TEXT_LABELS, N_("one-hot encoding"): ONE_HOT, N_("entropy"): ENTROPY,
    N_("automatic differentiation"): AUTOGRAD,
}
"""Each family by the words feedback uses for it (English, translated where it is shown)."""

_SHORT = (("torch.nn.functional.", "F."), ("torch.nn.", "nn."), ("d2lmini.", "d2l."))
_SHOWN = 4
"""Names quoted per family in feedback."""


def short_name(dotted: str) -> str:
    """The name as the book spells it: F.softmax, nn.Softmax, d2l.softmax."""
    for prefix, alias in _SHORT:
        if dotted.startswith(prefix):
            return alias + dotted[len(prefix):]
    return dotted


def in_words(names: Sequence[str]) -> str:
    """What ``names`` forbids, for a student: each whole family by its words and first names, then the rest.

    ``("torch.square",)`` gives "torch.square"; ``SOFTMAX`` gives "the library's softmax (torch.softmax,
    F.softmax, torch.Tensor.softmax, nn.Softmax and 62 more forms)".
    """
    given = set(names)
    covered: set[str] = set()
    parts = []
    for words, family in FAMILIES.items():
        if set(family) <= given and not set(family) <= covered:
            shown = first_few([short_name(name) for name in dict.fromkeys(family)], _SHOWN, more=_more_forms)
            parts.append(_("the library's {family} ({names})").format(family=_(words), names=shown))
            covered |= set(family)
    rest = [short_name(name) for name in dict.fromkeys(names) if name not in covered]
    return ", ".join(parts + rest)


def _more_forms(shown: str, count: int) -> str:
    """A family's first names, then how many other forms it has."""
    return ngettext("{shown} and {count} more form", "{shown} and {count} more forms", count).format(
        shown=shown, count=count)
