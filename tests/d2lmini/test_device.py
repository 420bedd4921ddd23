"""Device helpers (Book §6.7 functions the Trainer uses)."""
import torch

import d2lmini as d2l


def test_are_cpu_and_gpu_the_torch_devices_they_name():
    assert d2l.cpu() == torch.device("cpu")
    assert d2l.gpu() == torch.device("cuda:0") and d2l.gpu(1) == torch.device("cuda:1")


def test_does_num_gpus_count_cuda_devices():
    assert d2l.num_gpus() == torch.cuda.device_count()


def test_does_try_gpu_fall_back_to_the_cpu_for_a_missing_gpu():
    assert d2l.try_gpu(d2l.num_gpus()) == torch.device("cpu")
    expected = torch.device("cuda:0") if torch.cuda.is_available() else torch.device("cpu")
    assert d2l.try_gpu() == expected
