## GitLab configuration (Omnibus /etc/gitlab/gitlab.rb) — Okta sign-in written by oidc-setup.
## Apply with `sudo gitlab-ctl reconfigure`. Only the block between the oidc-setup markers is managed:
## `oidc-setup render-config --target gitlab --merge` rewrites that block and keeps everything else.
