# basic: the image as built; nothing from the host is injected.
