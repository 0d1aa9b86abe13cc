#!/usr/bin/env python3
"""Moves a store's packed traffic rows into traffic_row, as a store of
version 8 or before held them (tests that edit rows with SQL, or that make
an older store out of a new one).

Usage: store_loosen.py DB HONEYSCOPE [--drop-packs]

The rows are read through `honeyscope sql` (which unpacks them) and written
with Python's sqlite3, the packs deleted; --drop-packs drops traffic_pack too.
Prints the number of rows moved.
"""
import csv
import io
import sqlite3
import subprocess
import sys

COLUMNS = ("file_id, bin, sensor_id, remote, proto, initiator, service, packets_in,"
           " packets_out, bytes_in, bytes_out, flows, first_off, last_off")


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[3] != "--drop-packs"):
        sys.exit(__doc__)
    db_path, honeyscope = sys.argv[1], sys.argv[2]
    sql = ("SELECT p.file_id, u.bin, a.id, hex(u.remote), u.proto, u.initiator, u.service,"
           " u.packets_in, u.packets_out, u.bytes_in, u.bytes_out, u.flows, u.first_off,"
           " u.last_off FROM traffic_pack p JOIN traffic_unpack(p.data) u"
           " JOIN sensor_address a ON a.address = u.sensor")
    out = subprocess.run([honeyscope, "sql", "--db", db_path, "--format", "csv", sql],
                         capture_output=True, check=True, text=True).stdout
    rows = []
    for r in list(csv.reader(io.StringIO(out)))[1:]:
        values = [bytes.fromhex(v) if i == 3 else int(v) for i, v in enumerate(r)]
        rows.append(values)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("BEGIN")
    db.executemany("INSERT INTO traffic_row (%s) VALUES (%s)" % (COLUMNS, ",".join("?" * 14)),
                   rows)
    db.execute("DROP TABLE traffic_pack" if len(sys.argv) == 4 else "DELETE FROM traffic_pack")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(len(rows))


main()
