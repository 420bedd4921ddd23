# Book §4.3 "The Base Classification Model" as its source writes it (d2l-en v1.0.3,
# chapter_linear-classification/classification.md): the cells a PyTorch build keeps, in order,
# with `if tab.selected(...)` resolved for PyTorch and the framework shorthands (`d2l.tensor`,
# `d2l.reshape`, ...) kept where the book's pages read `torch.tensor(...)`, `w.reshape(...)`.
# Cells are separated by "# %%" lines. The text is the source's, except that `from d2l import
# torch as d2l` reads `import d2lmini as d2l`.

# %%
import d2lmini as d2l
import torch

# %%
class Classifier(d2l.Module):  #@save
    """The base class of classification models."""
    def validation_step(self, batch):
        Y_hat = self(*batch[:-1])
        self.plot('loss', self.loss(Y_hat, batch[-1]), train=False)
        self.plot('acc', self.accuracy(Y_hat, batch[-1]), train=False)

# %%
@d2l.add_to_class(d2l.Module)  #@save
def configure_optimizers(self):
    return torch.optim.SGD(self.parameters(), lr=self.lr)

# %%
@d2l.add_to_class(Classifier)  #@save
def accuracy(self, Y_hat, Y, averaged=True):
    """Compute the number of correct predictions."""
    Y_hat = d2l.reshape(Y_hat, (-1, Y_hat.shape[-1]))
    preds = d2l.astype(d2l.argmax(Y_hat, axis=1), Y.dtype)
    compare = d2l.astype(preds == d2l.reshape(Y, -1), d2l.float32)
    return d2l.reduce_mean(compare) if averaged else compare
