# Book §3.5 "Concise Implementation of Linear Regression" as its source writes it (d2l-en
# v1.0.3, chapter_linear-regression/linear-regression-concise.md): the cells a PyTorch build
# keeps, in order, with `if tab.selected(...)` resolved for PyTorch and the framework shorthands
# (`d2l.tensor`, `d2l.reshape`, ...) kept where the book's pages read `torch.tensor(...)`,
# `w.reshape(...)`. Cells are separated by "# %%" lines. The text is the source's, except that
# `from d2l import torch as d2l` reads `import d2lmini as d2l`.

# %%
import d2lmini as d2l
import numpy as np
import torch
from torch import nn

# %%
class LinearRegression(d2l.Module):  #@save
    """The linear regression model implemented with high-level APIs."""
    def __init__(self, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.LazyLinear(1)
        self.net.weight.data.normal_(0, 0.01)
        self.net.bias.data.fill_(0)

# %%
@d2l.add_to_class(LinearRegression)  #@save
def forward(self, X):
    return self.net(X)

# %%
@d2l.add_to_class(LinearRegression)  #@save
def loss(self, y_hat, y):
    fn = nn.MSELoss()
    return fn(y_hat, y)

# %%
@d2l.add_to_class(LinearRegression)  #@save
def configure_optimizers(self):
    return torch.optim.SGD(self.parameters(), self.lr)

# %%
model = LinearRegression(lr=0.03)
data = d2l.SyntheticRegressionData(w=d2l.tensor([2, -3.4]), b=4.2)
trainer = d2l.Trainer(max_epochs=3)
trainer.fit(model, data)

# %%
@d2l.add_to_class(LinearRegression)  #@save
def get_w_b(self):
    return (self.net.weight.data, self.net.bias.data)

w, b = model.get_w_b()

# %%
print(f'error in estimating w: {data.w - d2l.reshape(w, data.w.shape)}')
print(f'error in estimating b: {data.b - b}')
