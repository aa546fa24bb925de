"""The one training loop of the book, for torch models (written out by hand in chapter 05).

Every chapter from 05 on trains with :func:`fit`: mini-batches, an optional progress
bar, a history of losses and metrics, and early stopping that restores the best
weights. Chapter 05 derives each piece (mini-batch gradient descent, validation,
early stopping); later chapters only call it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from ._checks import check_callable, check_flag, check_positive, check_positive_int
from .models._inputs import check_metrics, check_module, check_tensor

__all__ = ["History", "fit", "evaluate", "accuracy", "train_digits_autoencoder"]


def accuracy(outputs: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of correct predictions.

    ``outputs`` are logits: shape (n, classes) is scored by the arg-max, shape (n,) or
    (n, 1) by the sign (a single logit of a binary classifier, positive meaning class 1).
    """
    check_tensor("outputs", outputs)
    if not isinstance(targets, torch.Tensor):
        raise TypeError(f"accuracy: targets must be a tensor of class labels, got {type(targets).__name__}")
    if targets.is_floating_point():
        if not bool((targets == targets.round()).all()):
            raise ValueError("accuracy: targets must be class labels (whole numbers), got non-integer values")
    elif targets.dtype == torch.bool or targets.is_complex():
        raise TypeError(f"accuracy: targets must be integer class labels, got dtype {targets.dtype}")
    if targets.ndim != 1:
        raise ValueError(f"accuracy: targets must be a 1-D tensor of class labels, got shape {tuple(targets.shape)}")
    if bool((targets < 0).any()):
        raise ValueError(f"accuracy: targets must be class labels >= 0, got a minimum of {targets.min().item()}")
    if bool(torch.isnan(outputs).any()):
        return float("nan")  # a NaN logit has no arg-max: the accuracy is undefined, not 0 or 1
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predicted = outputs.argmax(dim=1)
    else:
        predicted = (outputs.reshape(-1) > 0).long()
        targets = targets.reshape(-1)
    if predicted.shape[0] != targets.shape[0]:
        raise ValueError(f"accuracy: outputs give {predicted.shape[0]} predictions for {targets.shape[0]} targets")
    return (predicted == targets.long()).float().mean().item()


@dataclass
class History:
    """What :func:`fit` records, one entry per epoch.

    ``metrics`` maps ``"train_<name>"``/``"val_<name>"`` to lists; ``best_epoch`` is the
    1-based epoch with the lowest validation loss (``None`` without validation data).
    """

    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    def curve(self, metric: str = "loss"):
        """The (train, validation) lists of ``"loss"`` or of a metric name."""
        if metric == "loss":
            return self.train_loss, self.val_loss
        if f"train_{metric}" not in self.metrics:
            known = ["loss"] + sorted({k.split("_", 1)[1] for k in self.metrics})
            raise ValueError(f"unknown metric {metric!r}; recorded: {known}")
        return self.metrics[f"train_{metric}"], self.metrics.get(f"val_{metric}", [])


def _loss_value(loss_fn, outputs, targets) -> torch.Tensor:
    """``loss_fn(outputs, targets)``, checked to be a scalar tensor (a float cannot be back-propagated)."""
    loss = loss_fn(outputs, targets)
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise TypeError(f"loss_fn must return a scalar tensor, got {type(loss).__name__}"
                        + (f" of shape {tuple(loss.shape)}" if isinstance(loss, torch.Tensor) else ""))
    return loss


def _as_dataset(data, name: str) -> Dataset:
    """Accept a torch Dataset or an (X, y) pair of tensors/arrays of equal length."""
    if isinstance(data, Dataset):
        dataset = data
    elif isinstance(data, (tuple, list)) and len(data) == 2:
        X, y = (torch.as_tensor(a) for a in data)
        # floating inputs and targets in torch's default dtype (float64 in the book)
        X, y = (a.to(torch.get_default_dtype()) if a.is_floating_point() else a for a in (X, y))
        if len(X) != len(y):
            raise ValueError(f"{name}: X has {len(X)} rows but y has {len(y)}")
        dataset = TensorDataset(X, y)
    else:
        raise TypeError(f"{name} must be a torch Dataset or a pair (X, y), got {type(data).__name__}")
    if len(dataset) == 0:
        raise ValueError(f"{name} is empty")
    return dataset


def _detach(outputs):
    """Detach a model's output: a tensor, or a tuple of tensors (e.g. a VAE's reconstruction, mu, logvar)."""
    return tuple(o.detach() for o in outputs) if isinstance(outputs, tuple) else outputs.detach()


def _concat(batches: list):
    """Join per-batch outputs along the batch axis, element-wise for tuple outputs."""
    if isinstance(batches[0], tuple):
        return tuple(torch.cat(parts) for parts in zip(*batches))
    return torch.cat(batches)


def evaluate(model: torch.nn.Module, data, loss_fn, metrics: dict | None = None,
             batch_size: int = 512) -> dict:
    """Mean loss and metrics of ``model`` on ``data`` in evaluation mode, without gradients.

    Returns a dict with ``"loss"`` and one entry per metric. The model's training
    mode is restored afterwards.
    """
    check_module("model", model)
    check_callable("loss_fn", loss_fn, "a function loss_fn(outputs, targets)")
    metrics = check_metrics("metrics", metrics)
    batch_size = check_positive_int("batch_size", batch_size)
    dataset = _as_dataset(data, "data")
    was_training = model.training
    model.eval()
    outputs, targets = [], []
    with torch.no_grad():
        for X, y in DataLoader(dataset, batch_size=batch_size):
            outputs.append(model(X))
            targets.append(y)
    model.train(was_training)
    out, tgt = _concat(outputs), torch.cat(targets)
    result = {"loss": _loss_value(loss_fn, out, tgt).item()}
    for name, fn in metrics.items():
        result[name] = fn(out, tgt)
    return result


def fit(model: torch.nn.Module, train_data, loss_fn, optimizer: torch.optim.Optimizer, epochs: int, *,
        val_data=None, batch_size: int = 64, metrics: dict | None = None, patience: int | None = None,
        restore_best: bool = True, progress: bool = False, shuffle: bool = True) -> History:
    """Train ``model`` by mini-batch gradient descent and return its :class:`History`.

    Each epoch visits the training data once in shuffled mini-batches; for every batch
    it computes the loss, back-propagates and takes one optimiser step. The recorded
    training loss of an epoch is the sample-weighted mean of its batch losses (taken in
    training mode, as the optimiser saw them); validation uses :func:`evaluate`.

    Parameters
    ----------
    train_data, val_data : torch Dataset or (X, y) pair
    loss_fn : callable ``loss_fn(outputs, targets) -> scalar tensor`` (mean over the batch);
        ``outputs`` is whatever the model returns, a tensor or a tuple of tensors
    epochs : maximum number of passes over the training data
    metrics : dict name -> ``fn(outputs, targets) -> float``, e.g. ``{"acc": accuracy}``
    patience : stop after this many epochs without a lower validation loss (early
        stopping, chapter 05); requires ``val_data``
    restore_best : with validation data, load the weights of the best epoch at the end
    progress : show a tqdm progress bar over epochs
    """
    check_module("model", model)
    check_callable("loss_fn", loss_fn, "a function loss_fn(outputs, targets)")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    metrics = check_metrics("metrics", metrics)
    restore_best = check_flag("restore_best", restore_best)
    progress = check_flag("progress", progress)
    shuffle = check_flag("shuffle", shuffle)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    if patience is not None:
        patience = check_positive_int("patience", patience)
        if val_data is None:
            raise ValueError("early stopping (patience) needs val_data to monitor")
    owned = {id(p) for p in model.parameters()}
    stepped = [p for group in optimizer.param_groups for p in group["params"]]
    if owned and not any(id(p) in owned for p in stepped):
        raise ValueError("fit: the optimizer holds none of this model's parameters (was it built for "
                         "another model?); build it with optimizer(model.parameters(), ...)")
    train_set = _as_dataset(train_data, "train_data")
    val_set = None if val_data is None else _as_dataset(val_data, "val_data")
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=shuffle)
    history = History(metrics={f"{split}_{name}": [] for split in ("train", "val") for name in metrics
                               if split == "train" or val_set is not None})
    best_loss, best_state, waited = float("inf"), None, 0

    from tqdm.auto import tqdm

    for epoch in tqdm(range(1, epochs + 1), disable=not progress, desc="epochs"):
        model.train()
        total, sums = 0, {"loss": 0.0, **{name: 0.0 for name in metrics}}
        for X, y in loader:
            optimizer.zero_grad()
            outputs = model(X)
            loss = _loss_value(loss_fn, outputs, y)
            loss.backward()
            optimizer.step()
            n = len(X)
            total += n
            sums["loss"] += loss.item() * n
            for name, fn in metrics.items():
                sums[name] += fn(_detach(outputs), y) * n
        history.train_loss.append(sums["loss"] / total)
        for name in metrics:
            history.metrics[f"train_{name}"].append(sums[name] / total)
        if val_set is None:
            continue
        result = evaluate(model, val_set, loss_fn, metrics)
        history.val_loss.append(result["loss"])
        for name in metrics:
            history.metrics[f"val_{name}"].append(result[name])
        if result["loss"] < best_loss:
            best_loss, waited, history.best_epoch = result["loss"], 0, epoch
            best_state = copy.deepcopy(model.state_dict())
        else:
            waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    if restore_best and best_state is not None:
        model.load_state_dict(best_state)
    return history


# --------------------------------------------------------------------------- recipes
def train_digits_autoencoder(code_size: int = 2, *, hidden_sizes: Sequence[int] = (128,), epochs: int = 40,
                             lr: float = 1e-2, batch_size: int = 128, seed: int = 0, digits=None):
    """Build :func:`~nnlib.models.autoencoder.digits_autoencoder` and train it exactly as chapter 07 does.

    Seeds with ``nnlib.seed(seed)``, then minimises the mean squared reconstruction error
    of the training digits with Adam (``lr``) in mini-batches of ``batch_size`` for
    ``epochs`` epochs with :func:`fit`, keeping the weights of the epoch with
    the lowest validation error.

    Parameters
    ----------
    code_size, hidden_sizes : see :func:`~nnlib.models.autoencoder.digits_autoencoder`
    epochs, lr, batch_size : training settings (chapter 07's defaults)
    seed : int
        Seed for the initial weights and the mini-batch order.
    digits : nnlib.data.Digits, optional
        The data set; default ``nnlib.data.load_digits()``.

    Returns
    -------
    model : Autoencoder
        The trained model (in training mode; it has no dropout or batch norm).
    history : History
        Training and validation losses per epoch.

    Examples
    --------
    >>> model, history = train_digits_autoencoder(2)        # doctest: +SKIP
    >>> codes = model.encode(X)                              # (n, 2) latent points
    >>> images = model.decode(codes)                         # back to (n, 64) pixels
    """
    from . import seed as seed_everything
    from .data import load_digits
    from .models.autoencoder import digits_autoencoder

    digits = load_digits() if digits is None else digits
    X_train, _, X_val, _, _, _ = digits.as_tensors()
    seed_everything(seed)
    lr = check_positive("lr", lr)
    model = digits_autoencoder(code_size, hidden_sizes)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = fit(model, (X_train, X_train), nn.MSELoss(), optimizer, epochs=epochs,
                  val_data=(X_val, X_val), batch_size=batch_size)
    return model, history
