"""Trade analytics: what a region sells, to whom, and what it could sell next."""
