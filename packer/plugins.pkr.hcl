# Plugins for modern Packer (>= 1.7): `packer init packer/` installs them.
# Kept in its own file because Debian's packer 1.6.6 (googlecompute and ansible built in)
# rejects this block: CI validates the other files without it (packer/validate.sh).
packer {
  required_version = ">= 1.7.0"
  required_plugins {
    googlecompute = {
      source  = "github.com/hashicorp/googlecompute"
      version = ">= 1.1.0"
    }
    ansible = {
      source  = "github.com/hashicorp/ansible"
      version = ">= 1.1.0"
    }
  }
}
