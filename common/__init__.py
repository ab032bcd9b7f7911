"""The small library that both processes use, the portal and the emulator: settings from the
environment, logging that masks national identity numbers, national identity numbers with
their form field, and spreadsheet-safe CSV. It imports none of the project's apps."""
