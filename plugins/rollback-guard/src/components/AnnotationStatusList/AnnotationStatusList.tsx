import {
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Typography,
} from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import { AnnotationStatus } from '@rollback-guard/plugin-rollback-guard-common';

/** Each annotation with its value, and for an invalid one, what is wrong. */
export function AnnotationStatusList(props: {
  annotations: AnnotationStatus[];
  dense?: boolean;
}) {
  return (
    <List dense={props.dense} aria-label="Rollback Guard annotations">
      {props.annotations.map(annotation => (
        <ListItem key={annotation.name} disableGutters>
          <ListItemIcon>
            {annotation.valid ? (
              <CheckCircleIcon
                titleAccess="valid"
                style={{ color: '#2e7d32' }}
              />
            ) : (
              <ErrorIcon titleAccess="invalid" color="error" />
            )}
          </ListItemIcon>
          <ListItemText
            primary={
              <>
                <code>{annotation.name}</code>: {annotation.value}
              </>
            }
            secondary={
              annotation.message ? (
                <Typography variant="body2" color="error" component="span">
                  {annotation.message}
                </Typography>
              ) : undefined
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
