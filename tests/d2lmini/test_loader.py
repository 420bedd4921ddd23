"""In-memory minibatches (d2lmini.loader), against DataLoader(TensorDataset(...)) (Book §3.3.3)."""
import pytest
import torch
from hypothesis import given

from d2lmini.loader import TensorBatches, tensor_loader
from tests.strategies import loader_shapes, numeric


def reference_batch_sizes(n: int, batch_size: int) -> list:
    """Batch sizes of torch's own DataLoader over a TensorDataset of n examples."""
    dataset = torch.utils.data.TensorDataset(torch.arange(n))
    return [len(b) for (b,) in torch.utils.data.DataLoader(dataset, batch_size)]


@numeric
@given(loader_shapes())
def test_does_a_shuffled_loader_visit_each_example_exactly_once_per_epoch(shape):
    n, batch_size = shape
    loader = tensor_loader((torch.arange(n), torch.arange(n) * 10), batch_size, shuffle=True)
    seen = [batch for batch in loader]
    index = torch.cat([i for i, _ in seen])
    assert torch.equal(index.sort().values, torch.arange(n))
    assert all(torch.equal(label, i * 10) for i, label in seen), "features and labels must stay paired"


@numeric
@given(loader_shapes())
def test_does_an_unshuffled_loader_keep_the_original_order(shape):
    n, batch_size = shape
    loader = tensor_loader((torch.arange(n),), batch_size, shuffle=False)
    assert torch.equal(torch.cat([i for (i,) in loader]), torch.arange(n))


@numeric
@given(loader_shapes())
def test_are_batch_sizes_and_len_those_of_torchs_dataloader(shape):
    n, batch_size = shape
    loader = tensor_loader((torch.arange(n),), batch_size, shuffle=True)
    expected = reference_batch_sizes(n, batch_size)
    assert [len(i) for (i,) in loader] == expected
    assert len(loader) == len(expected)


def test_does_the_training_order_change_from_one_epoch_to_the_next():
    torch.manual_seed(0)
    loader = tensor_loader((torch.arange(1000),), 32, shuffle=True)
    first, second = (torch.cat([i for (i,) in loader]) for _ in range(2))
    assert not torch.equal(first, second)
    assert not torch.equal(first, torch.arange(1000))


def test_does_torch_manual_seed_make_the_order_reproducible():
    loader = tensor_loader((torch.arange(100),), 10, shuffle=True)
    orders = []
    for _ in range(2):
        torch.manual_seed(123)
        orders.append(torch.cat([i for (i,) in loader]))
    assert torch.equal(*orders)


def test_does_drop_last_drop_the_partial_batch():
    loader = tensor_loader((torch.arange(10),), 4, shuffle=False, drop_last=True)
    assert [len(i) for (i,) in loader] == [4, 4]


def test_are_tensors_of_different_lengths_refused_with_their_sizes():
    with pytest.raises(ValueError, match=r"\[3, 4\]"):
        TensorBatches((torch.zeros(3), torch.zeros(4)))
