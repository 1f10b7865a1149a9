"""The measures ledger (任务台账): the plan's measures, who leads them, their milestones and
progress reports, and the indicators that show whether they work."""

from kaifang.ledger.evaluate import LedgerStatus, evaluate_ledger
from kaifang.ledger.load import Ledger, load_ledger

__all__ = ["Ledger", "LedgerStatus", "evaluate_ledger", "load_ledger"]
