"""The IMF updater, offline: responses in the official SDMX-ML 2.1 GenericData layout.

The tests mount a transport adapter on sdmx1's own HTTP session, so the whole path (URL building,
HTTP handling, SDMX parsing, validation, storage, loaders preferring the update) runs for real.
"""

import pandas as pd
import pytest
import requests
import sdmx
from requests.adapters import BaseAdapter

from kzecon import cli
from kzecon.data import load_trade, update
from kzecon.errors import UpdateError

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<message:GenericData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
 xmlns:generic="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
 xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
 <message:Header><message:ID>IMTS</message:ID><message:Test>false</message:Test>
  <message:Prepared>2026-11-01T00:00:00</message:Prepared><message:Sender id="IMF.STA"/>
  <message:Structure structureID="DSD_IMTS" dimensionAtObservation="TIME_PERIOD">
   <common:Structure><Ref agencyID="IMF.STA" id="DSD_IMTS" version="1.0.0"/></common:Structure>
  </message:Structure></message:Header>
 <message:DataSet structureRef="DSD_IMTS">"""
TAIL = "</message:DataSet></message:GenericData>"


def series(country, indicator, partner, obs, scale="6"):
    o = "".join(f'<generic:Obs><generic:ObsDimension value="{t}"/><generic:ObsValue value="{v}"/></generic:Obs>'
                for t, v in obs)
    return (f'<generic:Series><generic:SeriesKey><generic:Value id="COUNTRY" value="{country}"/>'
            f'<generic:Value id="INDICATOR" value="{indicator}"/>'
            f'<generic:Value id="COUNTERPART_COUNTRY" value="{partner}"/>'
            f'<generic:Value id="FREQUENCY" value="A"/></generic:SeriesKey>'
            f'<generic:Attributes><generic:Value id="SCALE" value="{scale}"/></generic:Attributes>{o}</generic:Series>')


REPORTED = HEAD + series("KAZ", "XG_FOB_USD", "CHN", [("2026", "16000.5")]) + \
    series("KAZ", "MG_CIF_USD", "CHN", [("2026", "15000.25")]) + \
    series("KAZ", "XG_FOB_USD", "G001", [("2026", "90000")]) + TAIL
MIRROR = HEAD + series("CHN", "XG_FOB_USD", "KAZ", [("2026", "25000")]) + TAIL


class Fake(BaseAdapter):
    def __init__(self, bodies=None, exc=None, status=200):
        super().__init__()
        self.bodies, self.exc, self.status, self.urls = bodies or {}, exc, status, []

    def send(self, request, **kw):
        self.urls.append(request.url)
        if self.exc:
            raise self.exc
        r = requests.Response()
        r.status_code, r.url, r.request = self.status, request.url, request
        key = "mirror" if "/.XG" in request.url else "reported"
        r._content = self.bodies.get(key, "").encode()
        r.headers["Content-Type"] = "application/vnd.sdmx.genericdata+xml; version=2.1"
        return r

    def close(self):
        pass


def client(adapter):
    c = sdmx.Client("IMF_DATA")
    c.session.mount("https://", adapter)
    return c


def test_update_imf_offline_roundtrip(tmp_path):
    ad = Fake({"reported": REPORTED, "mirror": MIRROR})
    path, n, note = update.update_imf(["KAZ"], start=2024, out_dir=tmp_path, client=client(ad))
    assert "IMTS/KAZ.XG_FOB_USD+MG_CIF_USD..A" in ad.urls[0] and "startPeriod=2024" in ad.urls[0]
    assert "IMTS/.XG_FOB_USD+MG_CIF_USD.KAZ.A" in ad.urls[1]
    df = pd.read_csv(path).set_index(["reporter_side", "flow"])
    assert n == 3  # the G001 (world aggregate) row is not a partner
    assert df.loc[("reported", "export"), "value_usd"] == 16000.5e6
    assert df.loc[("mirror", "import"), "value_usd"] == 25000e6  # China's exports = KAZ imports, mirror
    assert "vintage" in note and "2026" in note


def test_loaders_prefer_update_and_print_vintage(tmp_path, monkeypatch):
    monkeypatch.setenv("KZECON_DATA_DIR", str(tmp_path))
    update.update_imf(["KAZ"], start=2024, client=client(Fake({"reported": REPORTED, "mirror": MIRROR})))
    with pytest.warns(Warning):
        t = load_trade("spliced")
    assert ("imf_imts", 2026, 2026) in t.attrs["splice"]
    assert any("IMF IMTS" in v for v in t.attrs["vintage"])
    assert set(load_trade("imf_imts")["reporter_side"]) == {"reported", "mirror"}


@pytest.mark.parametrize("body,msg", [
    ("<html>Service unavailable</html>", "not a valid SDMX"),
    (HEAD + series("KAZ", "XG_FOB_USD", "CHN", [("2026", "abc")]) + TAIL, "could not be read.*abc|non-numeric"),
    (HEAD + series("KAZ", "TXX_USD", "CHN", [("2026", "1")]) + TAIL, "unexpected INDICATOR"),
    (HEAD + series("KAZ", "XG_FOB_USD", "CHN", [("2026", "-4")]) + TAIL, "negative"),
])
def test_malformed_responses_refused(tmp_path, body, msg):
    with pytest.raises(UpdateError, match=msg):
        update.update_imf(["KAZ"], out_dir=tmp_path, client=client(Fake({"reported": body, "mirror": body})))
    assert not (tmp_path / "imf_imts.csv").exists()


def test_no_connection_is_one_line(tmp_path, monkeypatch, capsys):
    ad = Fake(exc=requests.exceptions.ConnectionError("no route"))
    monkeypatch.setattr(update, "_client", lambda source="IMF_DATA": client(ad))
    code = cli.main(["data", "update", "--source", "imf", "--dir", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 4 and len(err) == 1 and "cannot reach the IMF" in err[0]


def test_unknown_country_refused(tmp_path):
    with pytest.raises(Exception, match="'XYZ'"):
        update.update_imf(["XYZ"], out_dir=tmp_path, client=client(Fake()))


class FakeResp:
    def __init__(self, payload, status=200):
        self.payload, self.status_code = payload, status

    def json(self):
        if isinstance(self.payload, Exception):
            raise self.payload
        return self.payload


def comtrade_payload():
    # UN Comtrade public API layout: {"elapsedTime": …, "count": n, "data": [ {refYear, reporterCode, …} ]}
    rec = dict(typeCode="C", freqCode="A", refPeriodId=20240101, refYear=2024, refMonth=52, period="2024",
               reporterCode=398, reporterISO="KAZ", flowCode="X", partnerCode=156, partnerISO="CHN",
               cmdCode="TOTAL", primaryValue=15.5e9, isReported=True, isAggregate=True)
    world = dict(rec, partnerCode=0, partnerISO="W00", primaryValue=80e9)
    imp = dict(rec, flowCode="M", partnerCode=643, partnerISO="RUS", primaryValue=16e9)
    return {"elapsedTime": "0.1 secs", "count": 3, "data": [rec, world, imp], "error": ""}


def test_update_comtrade_offline(tmp_path, monkeypatch):
    calls = []

    def get(url, params=None, timeout=None):
        calls.append((url, params))
        return FakeResp(comtrade_payload())

    path, n, note = update.update_comtrade(["KAZ"], start=2024, end=2024, out_dir=tmp_path, get=get)
    assert calls[0][1]["reporterCode"] == 398 and calls[0][1]["cmdCode"] == "TOTAL"
    df = pd.read_csv(path).set_index(["partner", "flow"])
    assert n == 2 and df.loc[("CHN", "export"), "value_usd"] == 15.5e9
    assert df.loc[("RUS", "import"), "value_usd"] == 16e9
    monkeypatch.setenv("KZECON_DATA_DIR", str(tmp_path))
    assert "comtrade_api" in set(load_trade()["source"])


@pytest.mark.parametrize("payload,msg", [
    (ValueError("no json"), "not the API's JSON layout"),
    ({"data": "x"}, "'data' is not a list"),
    ({"data": [{"refYear": 2024}]}, "lacks field"),
])
def test_update_comtrade_malformed(tmp_path, payload, msg):
    with pytest.raises(UpdateError, match=msg):
        update.update_comtrade(["KAZ"], start=2024, end=2024, out_dir=tmp_path, get=lambda *a, **k: FakeResp(payload))
