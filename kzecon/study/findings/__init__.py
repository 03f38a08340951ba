"""Each published finding computed once: one module per result, one function of ``country=`` returning one frozen
results object that the CLI, the brief and ``analyses/`` render, print or save (nothing under :mod:`kzecon.report`
or :mod:`kzecon.cli` estimates). Every object carries the provenance it needs to say which side reported what.

Every function takes ``country`` (ISO-3, default ``"KAZ"``): Kazakhstan is studied on its national series
(COW v4, WITS, the Bureau of National Statistics to 2025, partners' mirror figures); any other economy of the IMF
DOTS composition panel on its own declarations to the IMF (DOTS, 1960–2020) where they are real, its partners'
where the IMF estimated them, and, for the mirror comparison and concentration, the annual DOTS gravity panel
(2000–2020). A result whose data exist only for Kazakhstan raises :class:`kzecon.errors.CoverageError` naming the
data it would need.

=====================  ========================  ==========================================================
module                 function                  result
=====================  ========================  ==========================================================
``shares``             ``trade_shares()``        partner shares, tilt, balance, concentration, reported vs mirror
``breaks``             ``share_breaks()``        unit-root, stationarity, Bai–Perron and Chow tests of China's share
``risk``               ``dependence_risk()``     the headline composition forecast, the models beside it, the
                                                 economy's own backtest, the world backtest's held-out scores,
                                                 the scenarios
``decomposition``      ``decompose()``           each partner's share change: the world's part, policy, own
``products``           ``products()``            what is sold to China, and its exposure to the oil price
``customs_union``      ``customs_union()``       the customs-union DiD and event study (post-Soviet panel, COW v4)
``world_gravity``      ``world_gravity()``       the EAEU and BRI terms on the annual IMF DOTS panel
``alignment``          ``un_alignment()``        UN General Assembly agreement and the divergent resolutions
``peers``              ``peers()``               the economy among its peers: shares and P(China > Russia)
``composition``        ``composition()``         the composition the forecasts read, each year's side
                       ``data_quality()``
=====================  ========================  ==========================================================
"""

from kzecon.study.findings.alignment import UnAlignment, un_alignment
from kzecon.study.findings.breaks import POLICY_LABELS, policy_events, share_breaks
from kzecon.study.findings.composition import MIN_YEARS, SIDE_LABEL, composition, data_quality
from kzecon.study.findings.customs_union import customs_union, partner_models
from kzecon.study.findings.decomposition import decompose, policy_coefficients
from kzecon.study.findings.economy import (
                                           DEFAULT_COUNTRY,
                                           DOTS_SOURCE,
                                           HEADLINE_YEAR,
                                           LONG_YEAR,
                                           MIRROR_YEAR,
                                           POLES,
                                           TRADE_SOURCE,
                                           check_country,
                                           country_name,
                                           this_year,
)
from kzecon.study.findings.peers import PEERS, Peers, peer_list, peers
from kzecon.study.findings.products import Products, products
from kzecon.study.findings.risk import (
                                           SCENARIO_COLUMNS,
                                           DependenceRisk,
                                           dependence_risk,
                                           event_probability,
                                           horizon_to,
                                           scenario_table,
                                           scenarios,
)
from kzecon.study.findings.shares import GROUPS, TradeShares, trade_shares
from kzecon.study.findings.world_gravity import world_gravity

__all__ = ["UnAlignment", "un_alignment", "POLICY_LABELS", "policy_events", "share_breaks", "MIN_YEARS", "SIDE_LABEL",
           "composition", "data_quality", "customs_union", "partner_models", "decompose", "policy_coefficients",
           "DEFAULT_COUNTRY",
           "DOTS_SOURCE", "HEADLINE_YEAR", "LONG_YEAR", "MIRROR_YEAR", "POLES", "TRADE_SOURCE", "check_country",
           "country_name", "this_year", "PEERS", "Peers", "peer_list", "peers", "Products", "products",
           "SCENARIO_COLUMNS", "DependenceRisk", "dependence_risk", "event_probability", "horizon_to",
           "scenario_table", "scenarios", "GROUPS", "TradeShares", "trade_shares", "world_gravity"]
