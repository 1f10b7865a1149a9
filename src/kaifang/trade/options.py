"""Options of ``kaifang trade``: the ``complexity:`` block of the config, Stata's defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ComplexityOptions(BaseModel):
    """How presence, proximity, density and the indexes are computed (Stata's defaults).

    ``presence``: ``rca`` (Balassa), ``rpop`` (per capita, needs a population column), ``both``
    (RCA or RPOP above its threshold, Stata's union) or ``manual`` (the value column is Mcp).
    ``threshold``: RCA cut-off, ``rpop_threshold``: RPOP cut-off; ``strict`` (Stata) means
    ``> threshold``, otherwise ``>=``. ``proximity``: ``discrete`` (co-occurrence, min of the
    conditional probabilities), ``asymmetric`` (P(p'|p)) or ``continuous`` ((1 + corr)/2 of RCA).
    ``knn``: density from each product's k nearest neighbours (Stata's cut-off arithmetic).
    ``convention``: ECI/PCI standardisation, ``stata`` | ``python`` | ``r`` | ``oec``.
    ``isolated``: a location or product without presence (or zero exports) makes the network
    disconnected; ``error`` refuses (default), ``drop`` leaves it out with empty results.
    ``value_precision``: ``float32`` rounds values as Stata's ``import delimited`` stores them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    presence: Literal["rca", "rpop", "both", "manual"] = "rca"
    threshold: float = Field(default=1.0, gt=0)
    rpop_threshold: float = Field(default=1.0, gt=0)
    strict: bool = True
    proximity: Literal["discrete", "asymmetric", "continuous"] = "discrete"
    knn: int | None = Field(default=None, ge=1)
    knn_floor: float = -1.0
    convention: Literal["stata", "python", "r", "oec"] = "stata"
    isolated: Literal["error", "drop"] = "error"
    value_precision: Literal["float64", "float32"] = "float64"
