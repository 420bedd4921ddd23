"""Find what a student's live function or class reaches among the library functions its task forbids.

Run in the process that defined the object: ``check()`` (``probe.grade_in_process``) and the
sandboxed worker. :func:`forbidden_uses` walks the code objects (the function; the lambdas,
comprehensions and functions in its constants; each method of a class and of its own base
classes), resolves every global and attribute chain the code loads, every closure cell,
default and keyword default, the strings it hands to getattr, eval or __import__, and the
student's own helpers, classes and containers these lead to, and compares what it finds with
the objects of the task's dotted names (``autograder/core/families.py``) by identity, through
bound methods, ``functools.partial``, subclasses and instances. So an alias, a
``getattr(torch, "soft" + "max")`` default or a lambda in a global counts as the call.

It reads attributes from dictionaries and types (``inspect.getattr_static``, ``type(x)``), so
no property or ``__getattr__`` of the student's decides what it sees; an object that resists
reading hides only itself. Code it cannot finish reading (more than _BUDGET instructions,
helpers nested deeper than _DEPTH) counts as a use, so that padding cannot hide a call. What
it does not see: a name built at run time from pieces (``"".join(...)``), a value reached
through the return value of a call, and the inside of library code.
"""
from __future__ import annotations

import builtins
import dis
import functools
import importlib
import importlib.util
import inspect
import operator
import os
import sys
import types
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

from autograder.core.families import short_name
from autograder.core.formatting import readable_name
from autograder.core.forbidden import UNKNOWN as _UNKNOWN
from autograder.core.forbidden import OWN_RECEIVERS, is_tensor_method, library_object, static_attribute
from autograder.core.i18n import _

__all__ = ["forbidden_uses", "Use", "LIBRARY_DIRS"]


def _isa(obj: Any, kinds: type | tuple[type, ...]) -> bool:
    """isinstance by the object's real type: a ``__class__`` property of the student's is never read."""
    return issubclass(type(obj), kinds)


def _is_function(obj: Any) -> bool:
    """Whether the object is a Python function (def or lambda)."""
    return type(obj) is types.FunctionType


_ROUTINES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.MethodDescriptorType,
             types.WrapperDescriptorType, types.MethodWrapperType, types.ClassMethodDescriptorType)


def _is_routine(obj: Any) -> bool:
    """Whether the object is a function or method (Python or C), not an instance that can be called."""
    return _isa(obj, _ROUTINES) or type(obj).__name__ in ("cython_function_or_method", "cyfunction")


def _attribute(obj: Any, name: str) -> Any:
    """``obj.name`` for the resolver: read from dictionaries, so no student property runs; a module's
    missing attribute as Python gives it (torch.ops makes its operators on demand)."""
    value = static_attribute(obj, name)
    if value is _UNKNOWN and _isa(obj, types.ModuleType):
        try:
            return getattr(obj, name)
        except Exception:
            return _UNKNOWN
    return value


def _forms(value: Any, *, bound: bool = True, depth: int = 0) -> Iterator[Any]:
    """The value and what it wraps: a partial's function (and, if ``bound``, its arguments), a
    method's function (and instance), a static or class method's function, a bound builtin's
    unbound method, an operator overload's packet, a decorator's ``__wrapped__``."""
    yield value
    if depth > 3:
        return
    inner: list[Any] = []
    if _isa(value, (functools.partial, functools.partialmethod)):
        inner += [value.func, *(value.args + tuple(value.keywords.values()) if bound else ())]
    elif _isa(value, (staticmethod, classmethod)):
        inner.append(value.__func__)
    elif _isa(value, types.MethodType):
        inner += [value.__func__, value.__self__] if bound else [value.__func__]
    elif _isa(value, types.BuiltinMethodType):
        owner = getattr(value, "__self__", None)
        if owner is not None and not _isa(owner, (types.ModuleType, type)):  # a tensor's bound method
            inner.append(static_attribute(type(owner), value.__name__))
    elif type(value).__name__ == "OpOverload" and type(value).__module__ == "torch._ops":
        inner.append(value.overloadpacket)
    if callable(value) and not _isa(value, type):
        inner.append(static_attribute(value, "__wrapped__"))
    for item in inner:
        if item is not _UNKNOWN:
            yield from _forms(item, bound=bound, depth=depth + 1)


def _owner(function: Any) -> Any:
    """The class a library function or method descriptor is defined in; _UNKNOWN if none."""
    if _isa(function, (types.MethodDescriptorType, types.WrapperDescriptorType, types.ClassMethodDescriptorType)):
        return function.__objclass__
    if not _is_function(function) or "." not in function.__qualname__ or "<locals>" in function.__qualname__:
        return _UNKNOWN
    obj = sys.modules.get(function.__module__, _UNKNOWN)
    for attr in function.__qualname__.split(".")[:-1]:
        obj = static_attribute(obj, attr) if obj is not _UNKNOWN else _UNKNOWN
    return obj if _isa(obj, type) else _UNKNOWN


class _Forbidden:
    """The objects a task forbids, by identity, with the dotted names they were declared under."""

    def __init__(self, names: tuple[str, ...]):
        self.by_id: dict[int, tuple[Any, str]] = {}
        self.classes: list[tuple[type, str]] = []
        self.methods: dict[str, str] = {}
        """Attribute name → dotted name, for a receiver of unknown type (``X.softmax``)."""
        self.own_methods: dict[str, str] = {}
        """Attribute name → dotted name, for the method's own ``self`` (``self.get_tensorloader``)."""
        self.operators = {name.rsplit(".", 1)[1]: name for name in names if name.startswith("torch.ops.aten.")}
        """ATen operator name → dotted name, for TorchScript code (``torch.jit.trace(lambda X: X.softmax(1))``)."""
        for name in names:
            if name.split(".", 1)[0] in OWN_RECEIVERS:
                self.own_methods[name.split(".", 1)[1]] = name
                continue
            obj = library_object(name)
            if obj is _UNKNOWN:
                continue
            for form in _forms(obj, bound=False):  # not random.shuffle's Random instance, say
                self.by_id.setdefault(id(form), (form, name))
            if _isa(obj, type):
                self.classes.append((obj, name))
            parent, _dot, attr = name.rpartition(".")
            if is_tensor_method(name) or _isa(library_object(parent), type) or _bound_to_instance(obj):
                self.methods[attr] = name

    def match(self, value: Any, *, subclass: bool = True) -> str | None:
        """Which forbidden object the value is, wraps, subclasses (if ``subclass``), instantiates (a
        callable, an nn.Module) or is a method of: "torch.softmax", "a subclass of torch.nn.Softmax";
        None if none (and for an object of the student's that resists being read)."""
        try:
            return self._match(value, subclass)
        except RecursionError:
            raise
        except Exception:
            return None

    def _match(self, value: Any, subclass: bool) -> str | None:
        """:meth:`match`, which may raise on a strange object."""
        if value is _UNKNOWN or _isa(value, (str, bytes, int, float, bool, type(None))):
            return None
        graph = _script_graph(value)
        for operator_name, name in self.operators.items() if graph else ():
            if f"aten::{operator_name}(" in graph:
                return _("TorchScript that calls {name}").format(name=name)
        forms = list(_forms(value))
        for form in forms:
            hit = self.by_id.get(id(form))
            if hit is not None and hit[0] is form:
                return hit[1]
        for form in forms:
            if _isa(form, type):
                for cls, name in self.classes if subclass else ():
                    if form is not cls and _subclass(form, cls):
                        return _("a subclass of {name}").format(name=name)
                continue
            if callable(form) and not _is_routine(form):
                for cls, name in self.classes:
                    if _isa(form, cls):
                        return _("an instance of {name}").format(name=name)
            owner = _owner(form) if _is_routine(form) else _UNKNOWN
            if owner is not _UNKNOWN:
                for cls, name in self.classes:
                    if owner is cls:
                        return _("a method of {name}").format(name=name)
        return None


def _script_graph(value: Any) -> str:
    """The operators a TorchScript function or module runs, as text; "" for anything else."""
    kind = type(value)
    if not (kind.__module__.startswith("torch.jit") or kind.__name__ in ("ScriptFunction", "RecursiveScriptModule")):
        return ""
    return str(value.inlined_graph)


def _bound_to_instance(obj: Any) -> bool:
    """Whether a library name stands for a method of a hidden instance (``random.shuffle``,
    ``numpy.random.permutation``), whose name then counts on any receiver."""
    owner = getattr(obj, "__self__", None)
    return (_isa(obj, (types.MethodType, types.BuiltinMethodType)) and owner is not None
            and not _isa(owner, (types.ModuleType, type)))


def _subclass(cls: type, base: type) -> bool:
    """issubclass that a strange class cannot make raise."""
    try:
        return issubclass(cls, base)
    except Exception:
        return False


@functools.lru_cache(maxsize=64)
def _forbidden(names: tuple[str, ...]) -> _Forbidden:
    """The forbidden objects for a task's names, built once per process."""
    return _Forbidden(names)


@dataclass(frozen=True)
class Use:
    """One way the student's live code reaches a forbidden library object."""

    where: str
    """The student's function or method it was found from: "softmax", "Model.forward"."""
    what: str
    """The object as the code names it, with the library's name where the two differ:
    "F.softmax", "_rows (torch.nn.functional.softmax)", "X.softmax(…)"."""
    how: str
    """How the code reaches it: "on line 3", "through its default argument _f", "on line 1 of your
    helper"."""

    def __str__(self) -> str:
        return _("{what} {how}").format(what=self.what, how=self.how)


def forbidden_uses(obj: Any, names: Iterable[str], *, name: str | None = None) -> list[Use]:
    """Every way the function or class ``obj`` reaches one of the dotted ``names``, in the order found.

    Run it in the process that defined ``obj``: it reads the live objects (globals, closure
    cells, defaults, constants, the student's own helpers and classes they lead to) without
    calling the student's code (see the module docstring). ``name`` is what the
    student calls ``obj`` (its own name if not given), for an ``obj`` that is itself a library
    object or wraps one (``softmax = functools.partial(torch.softmax, dim=1)``). Never raises.
    """
    walk = _Walk(_forbidden(tuple(dict.fromkeys(names))), obj)
    try:
        walk.target(obj, name)
    except RecursionError:
        walk.unread = True
    except Exception:  # an object the walk did not foresee: keep what it found until then
        pass
    if walk.unread:
        where = name or readable_name(_module_name_of(obj, "__qualname__") or type(obj).__name__)
        walk.uses.append(Use(where, _("more code than the grader reads"), _(
            "(over {budget:,} instructions, or helpers nested over {depth} deep): make it simpler").format(
            budget=_BUDGET, depth=_DEPTH)))
    return list(dict.fromkeys(walk.uses))


_BUDGET = 50_000
"""Bytecode instructions read at most per target (a notebook's own code is far smaller)."""
_DEPTH = 40
"""Helpers within helpers followed at most."""
_CONTAINER = 64
"""Items of a list, tuple, set or dict looked into at most."""
_NEUTRAL = frozenset({"NOP", "EXTENDED_ARG", "CACHE", "RESUME", "PUSH_NULL", "COPY_FREE_VARS", "MAKE_CELL",
                      "KW_NAMES", "NOT_TAKEN", "RESUME_CHECK"})
"""Instructions that leave the value the walk is following where it is."""
_DYNAMIC_NAMES = frozenset({"__dict__", "__getattribute__", "__getattr__"})
"""Attributes that reach an object's attributes by a name held in a string."""


def _dynamic_kinds() -> dict[int, str]:
    """Functions that reach objects by a name held in a string, by kind: "attribute" (getattr and
    friends), "text" (eval, exec, compile) and "import" (__import__, importlib.import_module)."""
    kinds = {builtins.getattr: "attribute", builtins.vars: "attribute", operator.attrgetter: "attribute",
             operator.methodcaller: "attribute", inspect.getattr_static: "attribute",
             builtins.eval: "text", builtins.exec: "text", builtins.compile: "text",
             builtins.__import__: "import", importlib.import_module: "import"}
    return {id(f): kind for f, kind in kinds.items()}


_DYNAMIC = _dynamic_kinds()


@dataclass(frozen=True)
class _Place:
    """Where a piece of code is, in the words of a finding."""

    helper: str = ""
    """The student's helper the code belongs to; "" for the target's own code."""
    text_line: int = 0
    """The line of the eval or exec whose string this code is; 0 if none."""

    def line(self, number: int) -> str:
        """"on line 3", "on line 1 of your helper", "in the string it runs on line 4"."""
        if self.text_line:
            return (_("in the string it runs on line {line} of your {helper}") if self.helper else
                    _("in the string it runs on line {line}")).format(line=self.text_line, helper=self.helper)
        return (_("on line {line} of your {helper}") if self.helper else _("on line {line}")).format(
            line=number, helper=self.helper)

    def default(self, name: str) -> str:
        """Through a default argument."""
        return (_("through the default argument {name} of your {helper}") if self.helper
                else _("through its default argument {name}")).format(name=name, helper=self.helper)

    def closure(self, name: str) -> str:
        """Through a closure cell."""
        return (_("through the variable {name} your {helper} closes over") if self.helper
                else _("through the variable {name} it closes over")).format(name=name, helper=self.helper)

    def attribute(self, name: str) -> str:
        """As a class attribute that is no function of the student's."""
        return (_("as the attribute {name} of your {helper}") if self.helper else
                _("as its attribute {name}")).format(name=name, helper=self.helper)


@dataclass
class _Ref:
    """A value the walk follows, with the name the code gives it."""

    value: Any
    spelled: str
    reported: bool = False
    """Reported already, or reached through something that was."""
    written: bool = True
    """``spelled`` is what the student wrote (not "(…)" for a call's result)."""


@dataclass(frozen=True)
class _Self:
    """The first argument of a method of ``cls`` (None: a function meant for a class not known here)."""

    cls: type | None


@dataclass
class _Reading:
    """What the walk knows while it reads one code object."""

    where: str
    """The target's function or method the findings belong to."""
    place: _Place
    bindings: dict[str, _Ref]
    """Local, closure and default names whose values are known (an import in the body, a default)."""
    globals_: dict
    builtins_: Any
    base: int
    """The line the enclosing function starts on (findings count from it, as the student sees the code)."""
    line: int = 0
    cur: _Ref | None = None
    """The value on top of the stack, as far as the walk follows it."""
    container: _Ref | None = None
    const: Any = _UNKNOWN
    """The container and constant just before a subscript (``_ops["s"]``)."""
    importing: tuple[Any, str, bool] = (_UNKNOWN, "", False)
    loaded: list[_Ref] = field(default_factory=list)
    """Modules and classes loaded, for getattr with a string."""
    strings: list[str] = field(default_factory=list)
    unknown_attributes: list[str] = field(default_factory=list)
    dynamic: dict[str, int] = field(default_factory=dict)
    """Kinds of by-name access the code uses ("attribute", "text", "import"), with the first line of each."""


class _Walk:
    """One walk from a student's function or class through the code it reaches."""

    def __init__(self, forbidden: _Forbidden, target: Any):
        self.forbidden = forbidden
        self.uses: list[Use] = []
        self.seen: set[int] = set()
        """The functions, classes and code objects walked already, by id."""
        self.reported: set[tuple[str, str, str]] = set()
        """(where, how, forbidden name) of each use noted, so that a second reading of one place adds nothing."""
        self.budget = _BUDGET
        self.depth = 0
        self.unread = False
        """Whether the walk stopped at _BUDGET or _DEPTH: code left unread counts as a use (padding
        must not hide a call)."""
        home = next((form for form in _forms(target) if _is_function(form) or _isa(form, type)), target)
        self.globals = home.__globals__ if _is_function(home) else _globals_of(home)
        """The globals the student's functions share (a notebook's namespace); None if not known."""
        self.module = _module_name(home)
        """The module the student's functions and classes say they come from ("__main__" in a notebook)."""
        self.lineage = {id(cls) for cls in getattr(home, "__mro__", ())}
        """The target class and its bases: what it derives from is for its checks to judge (``super()``
        reaches the class through a closure cell)."""

    # ----- what the walk starts from

    def target(self, obj: Any, given: str | None) -> None:
        """Walk the target: itself, then its code (a function) or its methods (a class)."""
        name = readable_name(_module_name_of(obj, "__qualname__") or given or type(obj).__name__)
        hit = self.forbidden.match(obj, subclass=False)  # a class derived from the library's is graded by its checks
        if hit is not None:
            self.uses.append(Use(given or name, hit, _("directly: it is that object, or wraps it")))
            return
        for form in _forms(obj):
            if _isa(form, type):
                self.klass(form, where="")
            elif _is_function(form):
                self.function(form, name, _Place())

    def klass(self, cls: type, *, where: str) -> None:
        """Walk each method of the class and of its own base classes (``where`` "" for the target)."""
        if id(cls) in self.seen:
            return
        self.seen.add(id(cls))
        try:  # type's own __mro__ and __dict__, which a metaclass of the student's cannot redefine
            bases = [base for base in type.__dict__["__mro__"].__get__(cls) if base is cls or self.own(base)]
            members = [(base, name, member) for base in bases
                       for name, member in type.__dict__["__dict__"].__get__(base).items()]
        except Exception:  # not a class after all: nothing to walk
            return
        for base, name, member in members:
            try:
                self.member(cls, base, name, member, where)
            except RecursionError:
                raise
            except Exception:  # an attribute of the student's that resists reading hides only itself
                continue

    def member(self, cls: type, base: type, name: str, member: Any, where: str) -> None:
        """Walk one attribute of a class: the student's functions in it, or the library object it is."""
        member_name = f"{base.__name__}.{name}"
        place = _Place(helper=member_name) if where else _Place()
        own = [f for f in _functions_of(member) if self.own(f)]
        for function in own:
            static = _isa(member, staticmethod)
            self.function(function, where or member_name, place, self_class=None if static else cls)
        if not own and not (name.startswith("__") and name.endswith("__")):
            hit = self.forbidden.match(member)
            if hit is not None:
                how = _Place(helper=base.__name__ if where else "").attribute(name)
                self.report(where or base.__name__, hit, how, hit)

    def function(self, function: types.FunctionType, where: str, place: _Place, *,
                 self_class: type | None = None) -> None:
        """Walk a function: its defaults, closure cells and code."""
        if id(function) in self.seen:
            return
        self.seen.add(id(function))
        code = function.__code__
        positional = code.co_varnames[:code.co_argcount]
        defaults = function.__defaults__ or ()
        bindings: dict[str, _Ref] = {}
        for name, value in [*zip(positional[len(positional) - len(defaults):], defaults),
                            *(function.__kwdefaults__ or {}).items()]:
            bindings[name] = self.value(value, name, where, place.default(name))
        for name, cell in zip(code.co_freevars, function.__closure__ or ()):
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell: the variable is not assigned yet
                continue
            bindings[name] = self.value(value, name, where, place.closure(name))
        if positional and positional[0] not in bindings and (self_class is not None or positional[0] in OWN_RECEIVERS):
            bindings[positional[0]] = _Ref(_Self(self_class), positional[0])
        globals_ = function.__globals__
        builtins_ = getattr(function, "__builtins__", None) or dict.get(globals_, "__builtins__", builtins)
        self.code(code, _Reading(where, place, bindings, globals_, builtins_, code.co_firstlineno))

    def value(self, value: Any, name: str, where: str, how: str) -> _Ref:
        """A value bound outside the code (a default, a closure cell): reported by the library's name, or followed."""
        hit = self.forbidden.match(value) if id(value) not in self.lineage else None
        if hit is not None:
            self.report(where, hit, how, hit)
            return _Ref(value, name, reported=True)
        ref = _Ref(value, name)
        self.reached(ref, where, how)
        return ref

    def report(self, where: str, what: str, how: str, hit: str) -> None:
        """Note one use of the forbidden object ``hit``."""
        self.reported.add((where, how, hit))
        self.uses.append(Use(where, what, how))

    # ----- what a value leads to

    def own(self, value: Any) -> bool:
        """Whether a function or class is the student's: defined where the target was (by the globals its
        functions share, else by module name: a notebook and the worker running it are both __main__), or
        in a file of no library (a module the notebook wrote and imported)."""
        if _is_function(value):
            if self.globals is not None and value.__globals__ is self.globals:
                return True
            if self.globals is None and self.module is not None and value.__module__ == self.module:
                return True
            return _students_file(value.__code__.co_filename)
        if not _isa(value, type):
            return False
        if self.module is not None and _module_name(value) == self.module:
            shared = _globals_of(value)
            return shared is None or self.globals is None or shared is self.globals
        module = sys.modules.get(_module_name(value) or "")
        return module is not None and _students_file(static_attribute(module, "__file__"))

    def reached(self, ref: _Ref, where: str, how: str, nesting: int = 0) -> None:
        """Report a value the code reaches if it is forbidden; otherwise follow the student's own code in it
        (``nesting``: containers already opened on the way)."""
        try:
            self._reached(ref, where, how, nesting)
        except RecursionError:
            raise
        except Exception:  # an object of the student's that resists reading hides only itself
            pass

    def _reached(self, ref: _Ref, where: str, how: str, nesting: int) -> None:
        """:meth:`reached`, which may raise on a strange object."""
        if ref.reported or ref.value is _UNKNOWN or id(ref.value) in self.lineage:
            return
        hit = self.forbidden.match(ref.value)
        if hit is not None:
            self.report(where, _named(ref.spelled, hit), how, hit)
            ref.reported = True
            return
        for form in _forms(ref.value):
            if _is_function(form) and self.own(form):
                self.function(form, where, _Place(helper=_helper_name(form, ref.spelled)))
            elif _isa(form, type) and self.own(form):
                self.klass(form, where=where)
            elif not _isa(form, (type, types.ModuleType)) and self.own(type(form)):
                self.klass(type(form), where=where)
        for key, item in _items(ref.value) if nesting < 2 else ():
            self.reached(_Ref(item, f"{ref.spelled}[{key!r}]"), where, how, nesting + 1)

    # ----- the code

    def code(self, code: types.CodeType, reading: _Reading) -> None:
        """Walk one code object's instructions, following each value it loads (see the module docstring)."""
        if id(code) in self.seen:
            return
        self.seen.add(id(code))
        if self.depth >= _DEPTH:
            self.unread = True
            return
        self.depth += 1
        try:
            for instruction in dis.get_instructions(code):
                self.budget -= 1
                if self.budget < 0:
                    self.unread = True
                    return
                try:
                    self.step(instruction, reading)
                except RecursionError:
                    self.unread = True
                    return
                except Exception:  # an object of the student's that resists reading hides only itself
                    reading.cur = None
            self.by_name(reading)
        finally:
            self.depth -= 1

    def step(self, instruction: dis.Instruction, r: _Reading) -> None:
        """Follow one instruction: what it loads is reported or followed, what it stores is remembered."""
        r.line = _line(instruction) or r.line
        op, arg = instruction.opname, instruction.argval
        how = r.place.line(r.line - r.base + 1)
        container, const = r.container, r.const
        r.container, r.const = None, _UNKNOWN
        if op in ("LOAD_GLOBAL", "LOAD_NAME"):
            r.cur = r.bindings[arg] if op == "LOAD_NAME" and arg in r.bindings else \
                _Ref(_global(arg, r.globals_, r.builtins_), arg)
            self.reached(r.cur, r.where, how)
        elif op in ("LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF") or op.startswith("LOAD_FAST"):
            name = arg if _isa(arg, str) else arg[-1]
            r.cur = r.bindings.get(name) or _Ref(_UNKNOWN, name)
            self.reached(r.cur, r.where, how)
        elif op in ("LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR"):
            if arg in _DYNAMIC_NAMES:
                r.dynamic.setdefault("attribute", r.line)
            r.cur = self.attribute(None if op == "LOAD_SUPER_ATTR" else r.cur, arg, r, how)
        elif op == "LOAD_CONST":
            if _isa(arg, types.CodeType):  # a lambda, comprehension or nested def: same names, same lines
                self.code(arg, replace(r, bindings=dict(r.bindings), cur=None, loaded=[], strings=[],
                                       unknown_attributes=[], dynamic={}))
            r.strings += _strings(arg)
            r.container, r.const, r.cur = r.cur, arg, _Ref(arg, repr(arg)[:40], written=False)
        elif op == "BINARY_SUBSCR" and container is not None and const is not _UNKNOWN:
            r.cur = _Ref(_item(container.value, const), f"{container.spelled}[{const!r}]", container.reported,
                         container.written)
            self.reached(r.cur, r.where, how)
        elif op == "IMPORT_NAME":
            r.importing = _imported(arg, const)
            r.cur = _Ref(r.importing[0], r.importing[1])
        elif op == "IMPORT_FROM":
            module, spelled, chain = r.importing
            r.cur = _Ref(_attribute(module, arg) if module is not _UNKNOWN else _UNKNOWN, f"{spelled}.{arg}")
            if chain:  # `import a.b.c as d` walks down a → a.b → a.b.c
                r.importing = (r.cur.value, r.cur.spelled, True)
        elif op.startswith("STORE_") and op not in ("STORE_ATTR", "STORE_SUBSCR", "STORE_SLICE"):
            if _isa(arg, str) and r.cur is not None and r.cur.value is not _UNKNOWN:
                r.bindings[arg] = _Ref(r.cur.value, arg, r.cur.reported)
            else:  # an unknown value, or two names at once (STORE_FAST_STORE_FAST)
                for name in (arg,) if _isa(arg, str) else arg:
                    r.bindings.pop(name, None)
            r.cur = None
        elif op not in _NEUTRAL:
            r.cur = None
        if r.cur is not None and r.cur.value is not _UNKNOWN:
            kind = _DYNAMIC.get(id(r.cur.value))
            if kind is not None:
                r.dynamic.setdefault(kind, r.line)
            if _isa(r.cur.value, (types.ModuleType, type)):
                r.loaded.append(r.cur)

    def attribute(self, receiver: _Ref | None, name: str, r: _Reading, how: str) -> _Ref:
        """The value ``receiver.name`` loads, reported or followed."""
        if receiver is not None and _isa(receiver.value, _Self):
            cls = receiver.value.cls
            ref = _Ref(static_attribute(cls, name) if cls is not None else _UNKNOWN, f"{receiver.spelled}.{name}")
            if ref.value is _UNKNOWN and name in self.forbidden.own_methods:
                hit = self.forbidden.own_methods[name]
                self.report(r.where, _named(ref.spelled, hit), how, hit)
            elif not (_is_function(ref.value) and self.own(ref.value)):  # own methods are walked as such
                self.reached(ref, r.where, how)
            return ref
        if receiver is None or receiver.value is _UNKNOWN:
            spelled = f"{receiver.spelled if receiver is not None and receiver.written else '(…)'}.{name}"
            if name in self.forbidden.methods:
                self.report(r.where, f"{spelled}(…)", how, self.forbidden.methods[name])
            r.unknown_attributes.append(name)
            return _Ref(_UNKNOWN, spelled, written=False)
        ref = _Ref(_attribute(receiver.value, name), f"{receiver.spelled}.{name}", receiver.reported, receiver.written)
        self.reached(ref, r.where, how)
        return ref

    def by_name(self, r: _Reading) -> None:
        """What the code reaches by a name held in a string: getattr(torch, "softmax"), eval("F.softmax"),
        __import__("torch.nn.functional").softmin."""
        if "attribute" in r.dynamic:
            how = r.place.line(r.dynamic["attribute"] - r.base + 1)
            for ref in r.loaded:
                for text in r.strings:
                    value = ref.value
                    for attr in text.split(".") if text.replace(".", "").isidentifier() else ():
                        value = _attribute(value, attr) if value is not _UNKNOWN else _UNKNOWN
                    hit = self.forbidden.match(value) if value is not ref.value else None
                    if hit is not None and (r.where, how, hit) not in self.reported:
                        self.report(r.where, _("{name}, looked up by name,").format(
                            name=_named(f"{ref.spelled}.{text}", hit)), how, hit)
        if "import" in r.dynamic:
            how = r.place.line(r.dynamic["import"] - r.base + 1)
            for text in r.strings:
                module = sys.modules.get(text)
                for attr in r.unknown_attributes if module is not None else ():
                    hit = self.forbidden.match(_attribute(module, attr))
                    if hit is not None and (r.where, how, hit) not in self.reported:
                        self.report(r.where, _("{name}, imported by name,").format(name=_named(f"{text}.{attr}", hit)),
                                    how, hit)
        if "text" in r.dynamic:
            place = _Place(helper=r.place.helper, text_line=r.dynamic["text"] - r.base + 1)
            for text in r.strings:
                compiled = _compiled(text)
                if compiled is not None:
                    self.code(compiled, _Reading(r.where, place, {}, r.globals_, r.builtins_, 1))


def _library_dirs() -> tuple[str, ...]:
    """Folders whose code is never the student's: Python's, the installed packages', the kit's, d2lmini's.

    Installed packages are wherever this interpreter installs them: under its prefixes, and in the
    site-packages folders on ``sys.path`` when this module is first imported (a ``pip install --user``
    torch on a laptop, a PYTHONPATH install). The grader's worker imports it before any cell runs,
    with ``-s`` (no user site) and a ``sys.path`` of its own, so nothing a notebook does adds a folder.
    """
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
               os.path.dirname(os.__file__)}  # the standard library, wherever a distribution put it
    folders.update(entry for entry in sys.path
                   if os.path.basename(os.path.normpath(entry or ".")) in ("site-packages", "dist-packages"))
    d2lmini = importlib.util.find_spec("d2lmini")
    if d2lmini is not None and d2lmini.origin:
        folders.add(os.path.dirname(d2lmini.origin))
    return tuple(os.path.normcase(os.path.abspath(folder)) + os.sep for folder in folders)


LIBRARY_DIRS = _library_dirs()
"""Folders whose code is never the student's (the engine's tracebacks use them too)."""


def _students_file(filename: Any) -> bool:
    """Whether code from this file is the student's: a real file outside every library folder."""
    return (_isa(filename, str) and os.path.isabs(filename)
            and not os.path.normcase(os.path.abspath(filename)).startswith(LIBRARY_DIRS))


def _imported(name: str, fromlist: Any) -> tuple[Any, str, bool]:
    """What ``import name`` gives the code: (module, how the code names it, whether IMPORT_FROM walks down)."""
    if fromlist is None:  # `import a.b` binds a; `import a.b as c` walks down to a.b
        root = name.split(".", 1)[0]
        return _module(root), root, True
    return _module(name), name, False


def _line(instruction: dis.Instruction) -> int | None:
    """The source line an instruction belongs to, if it says (Python 3.10 to 3.13 say it differently)."""
    line = getattr(instruction, "line_number", None)  # 3.13
    if line is None and getattr(instruction, "positions", None) is not None:  # 3.11
        line = instruction.positions.lineno
    if line is None and type(instruction.starts_line) is int:  # 3.10
        line = instruction.starts_line
    return line


def _globals_of(cls: Any) -> dict | None:
    """The globals of the first function defined in a class's body; None if it has none (or is no class)."""
    if not _isa(cls, type):
        return None
    for member in type.__dict__["__dict__"].__get__(cls).values():
        for function in _functions_of(member):
            return function.__globals__
    return None


def _functions_of(member: Any) -> list[Any]:
    """The functions a class attribute runs: a method, a static or class method's, a property's accessors."""
    if type(member) in (staticmethod, classmethod):
        candidates = [member.__func__]
    elif type(member) is property:
        candidates = [member.fget, member.fset, member.fdel]
    else:
        candidates = [member]
    return [f for f in candidates if _is_function(f)]


def _global(name: str, globals_: dict, builtins_: Any) -> Any:
    """What a global name holds, from the function's globals, then its builtins."""
    value = dict.get(globals_, name, _UNKNOWN)
    if value is _UNKNOWN:
        space = builtins_ if _isa(builtins_, dict) else vars(builtins_)
        value = space.get(name, _UNKNOWN)
    return value


def _module(name: str) -> Any:
    """A module already imported, by name (reading code imports nothing); _UNKNOWN if none."""
    module = sys.modules.get(name)
    return _UNKNOWN if module is None else module


def _items(value: Any) -> list[tuple[Any, Any]]:
    """(key, item) of a small dict, list, tuple or set; [] for anything else."""
    if type(value) in (dict, types.MappingProxyType):
        return list(value.items())[:_CONTAINER]
    if type(value) in (list, tuple):
        return list(enumerate(value[:_CONTAINER]))
    if type(value) in (set, frozenset):
        return [(None, item) for item in list(value)[:_CONTAINER]]
    return []


def _item(container: Any, key: Any) -> Any:
    """``container[key]`` for a dict, mapping proxy, list or tuple, read without running student code."""
    try:
        if type(container) in (dict, types.MappingProxyType):
            return container.get(key, _UNKNOWN)
        if type(container) in (list, tuple) and type(key) is int and -len(container) <= key < len(container):
            return container[key]
    except TypeError:  # an unhashable key
        pass
    return _UNKNOWN


def _strings(const: Any) -> list[str]:
    """The strings in a constant (a tuple of them included)."""
    if _isa(const, str):
        return [const]
    if _isa(const, (tuple, frozenset)):
        return [item for item in const if _isa(item, str)]
    return []


def _compiled(text: str) -> types.CodeType | None:
    """A string compiled as an expression or as statements; None if it is neither."""
    if len(text) > 10_000:
        return None
    for mode in ("eval", "exec"):
        try:
            return compile(text, "<string>", mode)
        except (SyntaxError, ValueError):
            continue
    return None


def _named(spelled: str, name: str) -> str:
    """How a finding reads: the code's spelling, with the library's name after it where they differ."""
    if spelled == name or short_name(name) == spelled or ("." in spelled and name.endswith("." + spelled)):
        return spelled
    return f"{spelled} ({name})"


def _helper_name(function: types.FunctionType, spelled: str) -> str:
    """A helper as the student knows it: its name, or the name it was reached by for a lambda."""
    name = readable_name(function.__qualname__)
    return spelled if name.endswith("<lambda>") else name


def _module_name(obj: Any) -> str | None:
    """The module a function or class says it was defined in."""
    return _module_name_of(obj, "__module__")


def _module_name_of(obj: Any, attribute: str) -> str | None:
    """A function's or class's ``__module__`` or ``__qualname__``, read without running a property; None
    for other objects."""
    if _is_function(obj):
        value = getattr(obj, attribute)
    elif _isa(obj, type):
        value = vars(obj).get("__module__") if attribute == "__module__" else type.__dict__[attribute].__get__(obj)
    else:
        return None
    return value if _isa(value, str) else None
