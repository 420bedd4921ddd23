# Book §4.2 "The Image Classification Dataset" as its source writes it (d2l-en v1.0.3,
# chapter_linear-classification/image-classification-dataset.md): the cells a PyTorch build
# keeps, in order, with `if tab.selected(...)` resolved for PyTorch and the framework shorthands
# (`d2l.tensor`, `d2l.reshape`, ...) kept where the book's pages read `torch.tensor(...)`,
# `w.reshape(...)`. Cells are separated by "# %%" lines. The text is the source's, except that
# `from d2l import torch as d2l` reads `import d2lmini as d2l` and the IPython magic
# `%matplotlib inline`, which plain Python cannot run, is kept as a comment.

# %%
# %matplotlib inline
import time
import d2lmini as d2l
import torch
import torchvision
from torchvision import transforms

d2l.use_svg_display()

# %%
class FashionMNIST(d2l.DataModule):  #@save
    """The Fashion-MNIST dataset."""
    def __init__(self, batch_size=64, resize=(28, 28)):
        super().__init__()
        self.save_hyperparameters()
        trans = transforms.Compose([transforms.Resize(resize),
                                    transforms.ToTensor()])
        self.train = torchvision.datasets.FashionMNIST(
            root=self.root, train=True, transform=trans, download=True)
        self.val = torchvision.datasets.FashionMNIST(
            root=self.root, train=False, transform=trans, download=True)

# %%
data = FashionMNIST(resize=(32, 32))
len(data.train), len(data.val)

# %%
data.train[0][0].shape

# %%
@d2l.add_to_class(FashionMNIST)  #@save
def text_labels(self, indices):
    """Return text labels."""
    labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
              'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
    return [labels[int(i)] for i in indices]

# %%
@d2l.add_to_class(FashionMNIST)  #@save
def get_dataloader(self, train):
    data = self.train if train else self.val
    return torch.utils.data.DataLoader(data, self.batch_size, shuffle=train,
                                       num_workers=self.num_workers)

# %%
X, y = next(iter(data.train_dataloader()))
print(X.shape, X.dtype, y.shape, y.dtype)

# %%
tic = time.time()
for X, y in data.train_dataloader():
    continue
f'{time.time() - tic:.2f} sec'

# %%
def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):  #@save
    """Plot a list of images."""
    raise NotImplementedError

# %%
@d2l.add_to_class(FashionMNIST)  #@save
def visualize(self, batch, nrows=1, ncols=8, labels=[]):
    X, y = batch
    if not labels:
        labels = self.text_labels(y)
    d2l.show_images(X.squeeze(1), nrows, ncols, titles=labels)

batch = next(iter(data.val_dataloader()))
data.visualize(batch)
