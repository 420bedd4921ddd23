"""Plausible wrong get_dataloader a student might hand in (Book §4.2.2)."""
from types import SimpleNamespace

import torch

import d2lmini as d2l

from tests.support.bugs import Bug

# What a notebook's global `data` might hold: another data module's images.
data = SimpleNamespace(train=torch.utils.data.TensorDataset(torch.rand(700, 1, 28, 28), torch.arange(700) % 10),
                       val=torch.utils.data.TensorDataset(torch.rand(200, 1, 28, 28), torch.arange(200) % 10),
                       batch_size=64, num_workers=0)


def get_dataloader_shuffles_validation(self, train):
    """Shuffles both splits."""
    split = self.train if train else self.val
    return torch.utils.data.DataLoader(split, self.batch_size, shuffle=True, num_workers=self.num_workers)


def get_dataloader_never_shuffles(self, train):
    """Shuffles neither split."""
    split = self.train if train else self.val
    return torch.utils.data.DataLoader(split, self.batch_size, shuffle=False, num_workers=self.num_workers)


def get_dataloader_drops_last(self, train):
    """Drops the last partial batch."""
    split = self.train if train else self.val
    return torch.utils.data.DataLoader(split, self.batch_size, shuffle=train, drop_last=True,
                                       num_workers=self.num_workers)


def get_dataloader_shuffles_once(self, train):
    """Permutes the training set once, when the loader is made: the same order every epoch."""
    split = self.train if train else self.val
    if train:
        split = torch.utils.data.Subset(split, torch.randperm(len(split)).tolist())
    return torch.utils.data.DataLoader(split, self.batch_size, shuffle=False, num_workers=self.num_workers)


def get_dataloader_batch_64(self, train):
    """Hard-codes the book's default batch size instead of self.batch_size."""
    split = self.train if train else self.val
    return torch.utils.data.DataLoader(split, 64, shuffle=train, num_workers=self.num_workers)


def get_dataloader_notebook_global(self, train):
    """Reads the notebook's `data` instead of self."""
    split = data.train if train else data.val
    return torch.utils.data.DataLoader(split, data.batch_size, shuffle=train)


def get_dataloader_train_twice(self, train):
    """Always reads the training split."""
    return torch.utils.data.DataLoader(self.train, self.batch_size, shuffle=train, num_workers=self.num_workers)


def get_dataloader_library(self, train):
    """Calls d2lmini's FashionMNIST.get_dataloader instead of writing it."""
    return d2l.FashionMNIST.get_dataloader(self, train)


BUGS = {
    "hw2_get_dataloader": [
        Bug(get_dataloader_shuffles_validation, "validation loader", "shuffle=train"),
        Bug(get_dataloader_never_shuffles, "stored order (0, 1, 2, …)", "shuffle"),
        Bug(get_dataloader_drops_last, "drops the last partial batch", "drop_last",
            korean=("train 로더가 예제 96개짜리 마지막 부분 배치를 버립니다 (608 = 2·256 + 96): drop_last=False를 유지하세요",
                    "힌트: 마지막 부분 배치가 버려집니다"),
            english=("drops the last partial batch", "training and", "Hint: ")),
        Bug(get_dataloader_shuffles_once, "same order in both epochs"),
        Bug(get_dataloader_batch_64, "holds 64 images, expected 256", "self.batch_size"),
        Bug(get_dataloader_notebook_global, "not the images of the data module passed as self",
            "not the notebook's `data`"),
        Bug(get_dataloader_train_twice, "val loader yields the train images"),
        Bug(get_dataloader_library, "d2l.FashionMNIST.get_dataloader"),
    ],
}
