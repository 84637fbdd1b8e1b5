"""Gamestorm under its own name: games/, server/ and client/ are linked in here, so an
install puts one package ``gamestorm`` into site-packages, not three generic names."""
