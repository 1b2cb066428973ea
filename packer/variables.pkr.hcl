# Validation uses length/substr/trim only (written for Debian's packer 1.6.6, which had no regex()
# inside validation blocks); CI now validates with Packer 1.9.5.
# trim(x, charset) == "" means every character of x is in charset.

# The contract with the driver, which writes `<env>.pkrvars.json` from the typed environment
# config (one source of truth with the stacks): use these names exactly.

variable "project_id" {
  type        = string
  description = "Google Cloud project that builds and owns the image."
  validation {
    condition = (length(var.project_id) >= 6 && length(var.project_id) <= 30
      && trim(var.project_id, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
      && trim(substr(var.project_id, 0, 1), "abcdefghijklmnopqrstuvwxyz") == ""
    && substr(var.project_id, -1, 1) != "-")
    error_message = "The project_id must be a Google Cloud project ID: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "zone" {
  type        = string
  description = "Zone of the temporary build instance (required: it comes from the environment config)."
  validation {
    condition = (length(split("-", var.zone)) == 3
      && trim(var.zone, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
    && substr(var.zone, -2, 1) == "-")
    error_message = "The zone must be a Compute Engine zone such as europe-west1-b."
  }
}

variable "image_family" {
  type        = string
  description = "Family of the built image; the image is named <image_family>-<UTC timestamp>."
  default     = "docker-host-base"
  validation {
    # A GCE resource name, short enough that "-" and a 14-digit timestamp still fit in 63.
    condition = (length(var.image_family) >= 1 && length(var.image_family) <= 48
      && trim(var.image_family, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
      && trim(substr(var.image_family, 0, 1), "abcdefghijklmnopqrstuvwxyz") == ""
    && substr(var.image_family, -1, 1) != "-")
    error_message = "The image_family must be lowercase letters, digits and hyphens, start with a letter, end with a letter or digit, and be at most 48 characters."
  }
}

variable "source_image_family" {
  type        = string
  description = "Image family the build starts from (Debian 13; debian-12 is supported too: see packer/README.md, 'Which Debian')."
  default     = "debian-13"
}

variable "source_image_project" {
  type        = string
  description = "Project that publishes source_image_family."
  default     = "debian-cloud"
}

variable "machine_type" {
  type        = string
  description = "Machine type of the temporary build instance."
  default     = "e2-small"
}

variable "ssh_username" {
  type        = string
  description = "User Packer (and Ansible) log in as on the build instance."
  default     = "packer"
}

variable "deploy_user" {
  type        = string
  description = "User the docker_host role adds to the docker group (the stacks' ssh user)."
  default     = "deploy"
  validation {
    condition = (length(var.deploy_user) >= 1 && length(var.deploy_user) <= 32
      && trim(var.deploy_user, "abcdefghijklmnopqrstuvwxyz0123456789_-") == ""
    && trim(substr(var.deploy_user, 0, 1), "abcdefghijklmnopqrstuvwxyz_") == "")
    error_message = "The deploy_user must be a valid Linux user name."
  }
}

variable "release_unit" {
  type        = bool
  description = "Build the image for a managed fleet: the docker_host role installs docker-hosts-release.service, which serves the release in the instance metadata (key docker-hosts-release) at every boot."
  default     = false
}

variable "image_labels" {
  type        = map(string)
  description = "Extra labels on the image (e.g. env, git commit); merged over the template's own."
  default     = {}
}

# How the build instance is reached. Optional: the driver's generated var file does not set
# them, so the defaults must keep today's behaviour (the `default` network, SSH to the external IP).

variable "network" {
  type        = string
  description = "VPC network of the build instance (name or self link)."
  default     = "default"
}

variable "subnetwork" {
  type        = string
  description = "Subnetwork of the build instance; required for custom-mode networks, empty for auto-mode ones."
  default     = ""
}

variable "use_iap" {
  type        = bool
  description = "SSH to the build instance through an Identity-Aware Proxy tunnel (needs gcloud) instead of its external IP; see packer/README.md."
  default     = false
}

variable "tags" {
  type        = list(string)
  description = "Network tags of the build instance, for firewall rules (e.g. SSH from 35.235.240.0/20 with use_iap)."
  default     = ["packer-build"]
}

variable "access_token" {
  type        = string
  description = "A static OAuth 2.0 access token, as GOOGLE_OAUTH_ACCESS_TOKEN gives Terraform's provider (the googlecompute plugin does not read that variable itself); empty: Application Default Credentials."
  default     = env("GOOGLE_OAUTH_ACCESS_TOKEN")
  sensitive   = true
}
