# Book §4.5 "Concise Implementation of Softmax Regression" as its source writes it (d2l-en
# v1.0.3, chapter_linear-classification/softmax-regression-concise.md): the cells a PyTorch
# build keeps, in order, with `if tab.selected(...)` resolved for PyTorch and the framework
# shorthands (`d2l.tensor`, `d2l.reshape`, ...) kept where the book's pages read
# `torch.tensor(...)`, `w.reshape(...)`. Cells are separated by "# %%" lines. The text is the
# source's, except that `from d2l import torch as d2l` reads `import d2lmini as d2l`.

# %%
import d2lmini as d2l
import torch
from torch import nn
from torch.nn import functional as F

# %%
class SoftmaxRegression(d2l.Classifier):  #@save
    """The softmax regression model."""
    def __init__(self, num_outputs, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(),
                                 nn.LazyLinear(num_outputs))

    def forward(self, X):
        return self.net(X)

# %%
@d2l.add_to_class(d2l.Classifier)  #@save
def loss(self, Y_hat, Y, averaged=True):
    Y_hat = d2l.reshape(Y_hat, (-1, Y_hat.shape[-1]))
    Y = d2l.reshape(Y, (-1,))
    return F.cross_entropy(
        Y_hat, Y, reduction='mean' if averaged else 'none')

# %%
data = d2l.FashionMNIST(batch_size=256)
model = SoftmaxRegression(num_outputs=10, lr=0.1)
trainer = d2l.Trainer(max_epochs=10)
trainer.fit(model, data)
