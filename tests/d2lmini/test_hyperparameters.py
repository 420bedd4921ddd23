"""add_to_class and HyperParameters.save_hyperparameters (Book §3.2.1)."""
import d2lmini as d2l


def test_does_add_to_class_return_the_function_and_attach_it_as_a_method():
    class A:
        pass

    a = A()  # made before the method exists: the book relies on ex post facto methods (§3.3.2)

    @d2l.add_to_class(A)
    def double(self, x):
        return 2 * x

    assert callable(double) and double.__name__ == "double"
    assert A.double is double
    assert a.double(21) == 42


def test_does_add_to_class_replace_an_existing_method():
    class A:
        def f(self):
            return "old"

    @d2l.add_to_class(A)
    def f(self):
        return "new"

    assert A().f() == "new"


class Saved(d2l.HyperParameters):
    def __init__(self, a, b=2, *, c="c", _private=0, ignored=None):
        self.save_hyperparameters(ignore=["ignored"])


def test_does_save_hyperparameters_make_init_arguments_attributes():
    s = Saved(1, c="see")
    assert (s.a, s.b, s.c) == (1, 2, "see")
    assert s.hparams == {"a": 1, "b": 2, "c": "see"}


def test_does_save_hyperparameters_skip_ignored_and_private_arguments():
    s = Saved(1, ignored="x", _private=5)
    assert not hasattr(s, "ignored") and not hasattr(s, "_private")
    assert "ignored" not in s.hparams and "self" not in s.hparams


def test_does_save_hyperparameters_record_what_a_subclass_passes_last():
    class Base(d2l.HyperParameters):
        def __init__(self, lr=0.1):
            self.save_hyperparameters()

    class Child(Base):
        def __init__(self, lr, num_outputs):
            super().__init__()
            self.save_hyperparameters()

    c = Child(lr=0.5, num_outputs=10)
    assert (c.lr, c.num_outputs) == (0.5, 10)
