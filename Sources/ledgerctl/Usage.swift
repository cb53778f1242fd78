enum Usage {
    static let text = """
    ledgerctl: an append-only, tamper-evident ledger of stakeholder engagement

    usage: ledgerctl [--dir DIR] [--wait SECONDS] COMMAND ...
      DIR: --dir, else $LEDGER_DIR, else ./events
      --wait: how long a writer waits for the lock (else $LEDGER_LOCK_TIMEOUT, else 10)

    commands:
      init [--segment-size SIZE]      make DIR an empty ledger (a no-op on an existing one);
                                      SIZE such as 16M (the default) or 64K
      append TYPE [--data JSON | --data @FILE | --data -] [FIELD=VALUE | FIELD:=JSON ...]
             [--id ID] [--occurred-at TIME] [--actor NAME]
                                      append one event; print it, as stored, as one JSON line
      import [FILE | -]               append JSON Lines {"type","data","id"?,"occurred_at"?,"actor"?}
                                      as one unit: all or nothing; print a one-line summary
      import --csv FILE|- --type TYPE [--id-column COL] [--map COL=FIELD ...]
             [--delimiter C] [--encoding utf-8|windows-1251]
                                      the rows of a spreadsheet saved as CSV, one event a row
      log [--type T] [--since SEQ] [--limit N | --follow] [--json] [--wide]
                                      list events after SEQ (a table, or the stored lines);
                                      a T ending in '.' matches a prefix (--type rsvp.);
                                      --follow: then wait and print each new event
      verify [--checkpoint FILE]      check the whole ledger; print its head (seq, hash)
      checkpoint                      print a checkpoint of the head (keep it elsewhere)
      types [--json]                  the event catalog: types, fields, required, personal
      forget PARTICIPANT              erase a person's personal data; append participant.erased
      backup DEST                     copy the ledger to DEST while writers go on (only what DEST
                                      lacks), flushed and verified, with a checkpoint of its head
      repair [--apply]                show (or, with --apply, move to DIR/quarantine/) everything
                                      after the last line whose chain checks: for a garbled last
                                      line after a power cut, which stops every writer
      report attendees  [--engagement E]
      report standings  [--contest C]
      report impact     [--project P] [--engagement E] [--fresh] [--period project|year|quarter|month]
      report proposals  [--engagement E] [--theme T] [--status S]
        common: --format table|json|csv|md|html (impact also: iati)
                --as-of SEQ|TIME  --lang en|kk|ru  --output FILE
                                      replay the events into a report, stamped with the seq
                                      range and head hash it was computed from (impact goes on
                                      from its saved state in DIR/index/; --fresh: from the
                                      first event)
      completions bash|zsh|fish       print a completion script for the shell
      help [COMMAND], COMMAND --help, COMMAND -h
                                      the usage of one command: its options, the values
                                      they take, an example
      --version

    FIELD=VALUE is always a string (participant=0042 stays "0042");
    FIELD:=JSON is a raw JSON value (capacity:=400, partners:='["KBTU"]').

    exit codes: 0 done (an idempotent repeat included), 1 damage found (verify, or a file the
    ledger refuses: a symbolic link, a second hard link), 64 usage error (or DIR is not a
    ledger, or SOURCE_DATE_EPOCH is malformed), 65 bad input (nothing was written), 74 I/O error
    (permission denied included), 75 the ledger is busy (the lock was not obtained in time),
    77 DIR belongs to another account (writers run as its owner only).
    """
}
