# Plugins for Packer (>= 1.7): `packer init packer/` installs them. CI (packer/validate.sh) runs
# `packer init` and `validate` of the whole template, this file included, on Packer 1.9.5 with the
# plugins .ci/tools.sh installs (PACKER_PLUGIN_PATH), offline.
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
