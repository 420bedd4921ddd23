# Book §3.3 "Synthetic Regression Data" as its source writes it (d2l-en v1.0.3,
# chapter_linear-regression/synthetic-regression-data.md): the cells a PyTorch build keeps, in
# order, with `if tab.selected(...)` resolved for PyTorch and the framework shorthands
# (`d2l.tensor`, `d2l.reshape`, ...) kept where the book's pages read `torch.tensor(...)`,
# `w.reshape(...)`. Cells are separated by "# %%" lines. The text is the source's, except that
# `from d2l import torch as d2l` reads `import d2lmini as d2l` and the IPython magic
# `%matplotlib inline`, which plain Python cannot run, is kept as a comment.

# %%
# %matplotlib inline
import d2lmini as d2l
import torch
import random

# %%
class SyntheticRegressionData(d2l.DataModule):  #@save
    """Synthetic data for linear regression."""
    def __init__(self, w, b, noise=0.01, num_train=1000, num_val=1000,
                 batch_size=32):
        super().__init__()
        self.save_hyperparameters()
        n = num_train + num_val
        self.X = d2l.randn(n, len(w))
        noise = d2l.randn(n, 1) * noise
        self.y = d2l.matmul(self.X, d2l.reshape(w, (-1, 1))) + b + noise

# %%
data = SyntheticRegressionData(w=d2l.tensor([2, -3.4]), b=4.2)

# %%
print('features:', data.X[0],'\nlabel:', data.y[0])

# %%
@d2l.add_to_class(SyntheticRegressionData)
def get_dataloader(self, train):
    if train:
        indices = list(range(0, self.num_train))
        # The examples are read in random order
        random.shuffle(indices)
    else:
        indices = list(range(self.num_train, self.num_train+self.num_val))
    for i in range(0, len(indices), self.batch_size):
        batch_indices = d2l.tensor(indices[i: i+self.batch_size])
        yield self.X[batch_indices], self.y[batch_indices]

# %%
X, y = next(iter(data.train_dataloader()))
print('X shape:', X.shape, '\ny shape:', y.shape)

# %%
@d2l.add_to_class(d2l.DataModule)  #@save
def get_tensorloader(self, tensors, train, indices=slice(0, None)):
    tensors = tuple(a[indices] for a in tensors)
    dataset = torch.utils.data.TensorDataset(*tensors)
    return torch.utils.data.DataLoader(dataset, self.batch_size,
                                       shuffle=train)

# %%
@d2l.add_to_class(SyntheticRegressionData)  #@save
def get_dataloader(self, train):
    i = slice(0, self.num_train) if train else slice(self.num_train, None)
    return self.get_tensorloader((self.X, self.y), train, i)

# %%
X, y = next(iter(data.train_dataloader()))
print('X shape:', X.shape, '\ny shape:', y.shape)

# %%
len(data.train_dataloader())
