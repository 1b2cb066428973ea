# Builds docker-host-base-<timestamp> (family docker-host-base): Debian 13 (or 12) with Docker from
# Debian's packages and the deploy user in the docker group, by the same Ansible role
# (ansible/roles/docker_host, through ansible/playbooks/image.yml) that configures live hosts.
#
#   packer init packer/                                   # modern Packer only
#   packer build -var-file=<driver's image.pkrvars.json> packer/   (see packer/README.md)

locals {
  # 20250102030405: UTC, digits only, so the image name is a valid GCE name.
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
  image_labels = merge(
    {
      role                  = "docker-host"
      "managed-by"          = "packer"
      "source-image-family" = var.source_image_family
    },
    var.image_labels,
  )
}

source "googlecompute" "docker-host-base" {
  project_id              = var.project_id
  access_token            = var.access_token
  zone                    = var.zone
  machine_type            = var.machine_type
  source_image_family     = var.source_image_family
  source_image_project_id = [var.source_image_project]
  disk_size               = 10
  ssh_username            = var.ssh_username

  # Network access: by default SSH goes to the instance's external IP on the `default` network
  # (its default-allow-ssh rule); with use_iap, through an IAP tunnel (see packer/README.md).
  network    = var.network
  subnetwork = var.subnetwork
  tags       = var.tags
  use_iap    = var.use_iap

  image_name        = "${var.image_family}-${local.timestamp}"
  image_family      = var.image_family
  image_description = "Docker host base image (Docker from ${var.source_image_family} packages), built by Packer"
  image_labels      = local.image_labels
}

build {
  sources = ["source.googlecompute.docker-host-base"]

  provisioner "ansible" {
    playbook_file = "${path.root}/../ansible/playbooks/image.yml"
    user          = var.ssh_username
    # image.yml targets the same group as the live inventory.
    groups = ["docker_hosts"]
    # Known trap: the provisioner's local SSH proxy only offers ssh-rsa host keys and
    # signatures, which OpenSSH >= 8.8 refuses ("no matching host key type found").
    # Without the proxy Ansible connects straight to the build instance with Packer's
    # temporary key, and nothing needs ssh-rsa. (With use_proxy = true one would instead pass
    # "--ssh-extra-args", "-o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedKeyTypes=+ssh-rsa".)
    use_proxy = false
    extra_arguments = [
      "--extra-vars", "deploy_user=${var.deploy_user}",
      # A managed fleet's image: the unit that serves the release in the instance metadata.
      "--extra-vars", "{\"docker_host_release_unit\": ${var.release_unit}}",
    ]
    ansible_env_vars = [
      "ANSIBLE_CONFIG=${path.root}/../ansible/ansible.cfg",
      # A new instance with a new host key on every build.
      "ANSIBLE_HOST_KEY_CHECKING=False",
    ]
  }

  # Leaves packer-manifest.json (image name and id) in the working directory, for the operator's records.
  post-processor "manifest" {
    output     = "packer-manifest.json"
    strip_path = true
  }
}
