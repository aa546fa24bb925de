import pytest
import torch

import nnlib
from nnlib.train import History, accuracy, evaluate, fit


def make_blobs(n=200):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, 2, generator=g)
    y = (X[:, 0] + X[:, 1] > 0).long()
    return X, y


def test_fit_learns_and_records_history():
    nnlib.seed(0)
    X, y = make_blobs()
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    h = fit(model, (X[:150], y[:150]), torch.nn.functional.cross_entropy, opt, 20,
            val_data=(X[150:], y[150:]), metrics={"acc": accuracy})
    assert isinstance(h, History) and len(h.train_loss) == len(h.val_loss) == 20
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.metrics["val_acc"][-1] > 0.9
    result = evaluate(model, (X[150:], y[150:]), torch.nn.functional.cross_entropy, {"acc": accuracy})
    assert result["loss"] == pytest.approx(h.val_loss[h.best_epoch - 1], rel=1e-6), "best weights restored"


def test_fit_is_deterministic_when_seeded():
    def run():
        nnlib.seed(1)
        X, y = make_blobs()
        model = torch.nn.Linear(2, 2)
        return fit(model, (X, y), torch.nn.functional.cross_entropy,
                   torch.optim.SGD(model.parameters(), lr=0.1), 3, batch_size=16).train_loss

    assert run() == run()


def test_early_stopping_stops_and_restores_best():
    nnlib.seed(0)
    X, y = make_blobs()
    model = torch.nn.Linear(2, 2)
    # a huge learning rate makes validation loss bounce, so patience triggers
    h = fit(model, (X[:150], y[:150]), torch.nn.functional.cross_entropy,
            torch.optim.SGD(model.parameters(), lr=50.0), 200, val_data=(X[150:], y[150:]), patience=3)
    assert h.stopped_early and len(h.val_loss) < 200
    assert len(h.val_loss) - h.best_epoch == 3


def test_accuracy_for_multiclass_and_single_logit():
    assert accuracy(torch.tensor([[2.0, 1.0], [0.0, 3.0]]), torch.tensor([0, 0])) == 0.5
    assert accuracy(torch.tensor([[1.5], [-0.5]]), torch.tensor([1, 0])) == 1.0


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be an integer >= 1"),
    ({"epochs": 1, "batch_size": -2}, "batch_size"),
    ({"epochs": 1, "patience": 2}, "needs val_data"),
])
def test_bad_arguments(kwargs, message):
    X, y = make_blobs(10)
    model = torch.nn.Linear(2, 2)
    with pytest.raises(ValueError, match=message):
        fit(model, (X, y), torch.nn.functional.cross_entropy, torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


def test_bad_data():
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = torch.nn.functional.cross_entropy
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        fit(model, (torch.zeros(3, 2), torch.zeros(2).long()), loss, opt, 1)
    with pytest.raises(ValueError, match="empty"):
        fit(model, (torch.zeros(0, 2), torch.zeros(0).long()), loss, opt, 1)
    with pytest.raises(TypeError, match="Dataset or a pair"):
        fit(model, [1, 2, 3], loss, opt, 1)


class TwoHeads(torch.nn.Module):
    """A model returning a tuple, like a VAE's (reconstruction, mu, logvar)."""

    def __init__(self):
        super().__init__()
        self.a, self.b = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)

    def forward(self, x):
        return self.a(x), self.b(x)


def test_fit_and_evaluate_accept_tuple_outputs():
    nnlib.seed(0)
    X, y = make_blobs()
    model = TwoHeads()

    def loss(outputs, targets):
        logits, extra = outputs
        return torch.nn.functional.cross_entropy(logits, targets) + 1e-3 * extra.pow(2).mean()

    h = fit(model, (X[:150], y[:150]), loss, torch.optim.SGD(model.parameters(), lr=0.5), 5,
            val_data=(X[150:], y[150:]), metrics={"acc": lambda out, t: accuracy(out[0], t)})
    assert len(h.val_loss) == 5 and h.metrics["val_acc"][-1] > 0.8
    result = evaluate(model, (X[150:], y[150:]), loss)
    assert result["loss"] == pytest.approx(h.val_loss[h.best_epoch - 1], rel=1e-6)
